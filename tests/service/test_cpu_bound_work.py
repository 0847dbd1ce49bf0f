"""CPU-bound work (note sheets, signatures) runs in a real thread beside the service's green
threads: a service that logs while a note sheet is drawn keeps answering."""

import logging

import eventlet

from common.threads import cpu_bound


def test_a_job_that_logs_while_the_service_logs_finishes(caplog):
    caplog.set_level(logging.INFO)
    fonts = logging.getLogger("fontTools.subset")
    desk = logging.getLogger("eoffice.test.desk")

    def draw_note_sheet():
        for i in range(2000):  # fontTools says this much while it subsets a font
            fonts.info("glyph %d subsetted", i)
        return "note sheet"

    def answer_requests():
        for i in range(2000):
            desk.info("request %d refused", i)
            eventlet.sleep(0)

    requests = [eventlet.spawn(answer_requests) for _ in range(3)]
    drawing = eventlet.spawn(cpu_bound, draw_note_sheet)
    with eventlet.Timeout(60):  # it hung for good before (a green lock across threads)
        assert drawing.wait() == "note sheet"
        for r in requests:
            r.wait()
    said = [r.getMessage() for r in caplog.records]
    assert said.count("glyph 1999 subsetted") == 1 and said.count("request 1999 refused") == 3
