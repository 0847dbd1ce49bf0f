"""Identity's answers on the office tree as files keeps them: used only by a call that heard
the version they were kept under, forgotten when the version changes, never kept when asked
while it changed, and no more of them than the keeper's size."""

from services.files.service.tree_answers import TreeAnswers


class Identity:
    """Answers as identity would give them, counting the questions."""

    def __init__(self) -> None:
        self.chains = {"sho": ["co", "sp"], "co": ["sp"]}
        self.asked = 0

    def chain(self, post_id: str) -> list[str]:
        self.asked += 1
        return list(self.chains[post_id])


def test_an_answer_is_asked_once_while_the_tree_stays_as_it_was() -> None:
    kept, identity = TreeAnswers(), Identity()
    kept.heard("v1")
    for _ in range(3):
        assert kept.answer("v1", "sho", lambda: identity.chain("sho")) == ["co", "sp"]
    assert identity.asked == 1


def test_a_new_version_forgets_what_was_kept() -> None:
    kept, identity = TreeAnswers(), Identity()
    kept.heard("v1")
    kept.answer("v1", "sho", lambda: identity.chain("sho"))
    identity.chains["sho"] = ["dysp", "sp"]  # the SHO now reports elsewhere
    kept.heard("v2")
    assert kept.answer("v2", "sho", lambda: identity.chain("sho")) == ["dysp", "sp"]
    assert identity.asked == 2


def test_a_call_that_heard_no_version_or_another_asks_and_keeps_nothing() -> None:
    kept, identity = TreeAnswers(), Identity()
    kept.heard("v2")
    kept.answer(None, "sho", lambda: identity.chain("sho"))  # a timer, a read: no version heard
    kept.answer("v1", "sho", lambda: identity.chain("sho"))  # heard before the tree changed
    assert identity.asked == 2
    kept.answer("v2", "sho", lambda: identity.chain("sho"))
    assert identity.asked == 3  # nothing was kept before


def test_an_answer_asked_while_the_tree_changed_is_not_kept() -> None:
    kept, identity = TreeAnswers(), Identity()
    kept.heard("v1")

    def asked_while_another_call_hears_v2() -> list[str]:
        old = identity.chain("sho")
        kept.heard("v2")
        return old

    kept.answer("v1", "sho", asked_while_another_call_hears_v2)
    kept.answer("v2", "sho", lambda: identity.chain("sho"))
    assert identity.asked == 2


def test_what_is_given_out_is_a_copy_and_the_least_used_goes_first() -> None:
    kept, identity = TreeAnswers(size=2), Identity()
    kept.heard("v1")
    kept.answer("v1", "sho", lambda: identity.chain("sho")).append("changed by a caller")
    assert kept.answer("v1", "sho", lambda: identity.chain("sho")) == ["co", "sp"]
    kept.answer("v1", "co", lambda: identity.chain("co"))
    kept.answer("v1", "sho", lambda: identity.chain("sho"))  # used again: "co" is the oldest
    kept.answer("v1", "third", lambda: ["sp"])
    asked = identity.asked
    kept.answer("v1", "sho", lambda: identity.chain("sho"))
    assert identity.asked == asked  # still kept
    kept.answer("v1", "co", lambda: identity.chain("co"))
    assert identity.asked == asked + 1  # gone: asked again
