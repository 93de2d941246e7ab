"""play: commands (intents → checked events), calendar play, strategies, tournaments and sweeps, scenarios."""


def __getattr__(name: str):
    # `from diplosim.play import play, Policy, Stop` as before the rooms, when diplosim.play was the calendar module
    if name in ("play", "Policy", "Stop"):
        from . import calendar
        return getattr(calendar, name)
    raise AttributeError(f"module 'diplosim.play' has no attribute {name!r}")
