"""The steps of `piggy-elt demo`: its folder, its sandbox, its payouts and its closing lines."""
