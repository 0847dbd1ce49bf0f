"""Leave's rules: kinds per department, balances as a fold over the ledger, the application's
life and its routing up the post chain. No I/O."""
