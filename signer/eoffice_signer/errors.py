"""What goes wrong, said so that the officer can act on it."""

# How the command ends: what a script calling it can tell apart.
SIGNED = 0
TOKEN_PROBLEM = 1  # the token, its PIN, its driver or the certificate chosen
UNUSABLE = 2  # the request, the link or the arguments
OFFICE_REFUSED = 3  # the office refused the signature, or could not be reached


class SignerError(Exception):
    """A problem the officer can act on, and the exit code it ends the command with."""

    def __init__(self, message: str, exit_code: int = TOKEN_PROBLEM):
        super().__init__(message)
        self.exit_code = exit_code
