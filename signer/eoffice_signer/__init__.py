"""eoffice-signer: an officer signs an e-Office letter on their own DSC token, over PKCS#11.

The office prepares the PDF and what the token must sign; this package, on the officer's
computer, finds the token's driver, lets the officer choose a certificate, signs on the token
(the private key never leaves it) and sends the signature back. It needs python-pkcs11 and
asn1crypto, nothing of the office's code.
"""
