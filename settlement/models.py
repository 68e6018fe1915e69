"""The ledger lives here (settlement issue); nothing is stored yet."""
