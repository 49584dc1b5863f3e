"""Date and time formats of staff pages: Almaty time, always with its zone (see settings)."""
