"""Presentation: query results to Rich renderables, JSON and pictures. Renderers never print,
never query the engine and never read the clock."""
