def test_a_refused_request_logs_one_line_and_a_server_error_its_traceback() -> None:
    import logging

    from mosprom.core.logging import ClientErrorWithoutTraceback

    try:
        raise PermissionError("nope")
    except PermissionError:
        import sys

        exc_info = sys.exc_info()
    refused = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /x/", (), exc_info)
    refused.status_code = 403
    crashed = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Server Error: /x/", (), exc_info)
    crashed.status_code = 500
    keep = ClientErrorWithoutTraceback()
    assert keep.filter(refused) and refused.exc_info is None
    assert keep.filter(crashed) and crashed.exc_info is not None
