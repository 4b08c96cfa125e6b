"""Push planning: which channel may carry an intent now or later, its payload and text, the phone list."""
