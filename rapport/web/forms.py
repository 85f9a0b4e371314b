"""Forms parse and check input; the services decide."""

from __future__ import annotations

from django import forms


class SetupForm(forms.Form):
    organisation_name = forms.CharField(max_length=200, label="Organisation")
    name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(label="Your email")
    password = forms.CharField(widget=forms.PasswordInput, label="Password", min_length=8)
