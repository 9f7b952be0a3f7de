"""Presenting results: diagrams, terminal tables, and file formats. Nothing here simulates."""
