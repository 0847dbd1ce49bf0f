"""Identity's rules, pure Python, one subject per module: tokens and passwords, the office tree
and posts, the master data sheet, Gov IDs, VPN accounts, DSC certificates."""
