"""Segment exports: read segment marts, write files, push only what changed to marketing tools."""
