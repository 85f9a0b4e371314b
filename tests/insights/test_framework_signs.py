"""The Framework page's claim holds: each sign links to the figure Rapport computes for it."""

from __future__ import annotations

import re

from django.urls import reverse

from rapport.framework import indicators


def test_each_sign_on_the_framework_page_links_to_a_figure_defined_there(client_for, ray) -> None:
    page = client_for(ray).get(reverse("framework")).content.decode()
    assert "Each sign is a figure Rapport computes per relationship" in page
    anchors = set(re.findall(r'id="(figure-[a-z_]+)"', page))
    for sign in indicators.POSITIVE_INDICATORS + indicators.WARNING_SIGNS:
        row = page.split(f'id="sign-{sign.key}"')[1].split("</tr>")[0]
        links = re.findall(r'href="#(figure-[a-z_]+)"', row)
        assert links, sign.key
        assert set(links) <= anchors, sign.key
    assert reverse("insights") in page


def test_the_next_steps_of_the_bank_have_their_anchor_on_the_framework_page(
    client_for, ray
) -> None:
    page = client_for(ray).get(reverse("framework")).content.decode()
    for step in indicators.NEXT_STEPS.values():
        if step.kind == "question":
            assert f'id="question-{step.target}"' in page, step
        elif step.kind == "playbook":
            assert f'id="playbook-{step.target}"' in page, step
