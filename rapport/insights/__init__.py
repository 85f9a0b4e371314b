"""Insights: is each 1:1 relationship healthy? Figures per relationship, starting with talk."""
