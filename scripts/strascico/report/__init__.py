"""Rendering reports: self-contained HTML with inline SVG charts, from JSON."""
