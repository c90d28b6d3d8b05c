"""Renderers only: findings in, files or terminal out. None of them decides what is a gap."""
