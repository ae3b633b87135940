"""dialbook.Error: the one exception the package raises.

An answer the server refused carries the cloud's ErrorBody fields (status,
code, message, contextId, details); a failure of the package itself (a bad
argument, a server that would not start, a file that cannot be read) carries
status 0 and a code of its own ("bad.argument", "server.failed", ...).
"""


class Error(Exception):
    """A refusal or a failure, with the ErrorBody fields.

    status      HTTP status (int), 0 when there was no HTTP answer
    code        ErrorBody.code, e.g. "invalid.value", or the package's own code
    message     what went wrong, in words
    context_id  ErrorBody.contextId (equal to the inin-correlation-id header): quote it
    details     ErrorBody.details, a list of dicts ({"errorCode", "fieldName"})
    retry_after seconds from a Retry-After header (a 429 or 503), else None
    body        the whole ErrorBody dict, when the server sent one
    log         the server's log, for a server that failed (dialbook.Server)
    """

    def __init__(self, message, status=0, code="error", context_id=None, details=None,
                 retry_after=None, body=None, log=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.context_id = context_id
        self.details = list(details or [])
        self.retry_after = retry_after
        self.body = body
        self.log = log

    @property
    def contextId(self):  # noqa: N802 -- the ErrorBody's own spelling
        return self.context_id

    @property
    def field_names(self):
        """The fieldName of every details entry that has one."""
        return [d["fieldName"] for d in self.details if isinstance(d, dict) and d.get("fieldName")]

    def __str__(self):
        where = f"HTTP {self.status} {self.code}" if self.status else self.code
        text = f"{self.message} ({where}"
        if self.field_names:
            text += ", field " + ", ".join(self.field_names)
        if self.context_id:
            text += f", correlation id {self.context_id}"
        return text + ")"

    @classmethod
    def from_response(cls, response, what=None):
        """The Error for a refused requests.Response (its ErrorBody when it is one)."""
        try:
            body = response.json()
        except ValueError:
            body = None
        retry = response.headers.get("Retry-After")
        try:
            retry = float(retry) if retry is not None else None
        except ValueError:
            retry = None
        if isinstance(body, dict) and "message" in body:
            message = body.get("message") or response.reason
            code = body.get("code") or "http.error"
            context = body.get("contextId") or response.headers.get("inin-correlation-id")
            details = body.get("details") or []
        else:
            body = None
            text = (response.text or "").strip()[:300]
            message = text or response.reason or "the server refused the request"
            code = "http.error"
            context = response.headers.get("inin-correlation-id")
            details = []
        if what:
            message = f"{what}: {message}"
        return cls(message, status=response.status_code, code=code, context_id=context,
                   details=details, retry_after=retry, body=body)


def check(response, what=None):
    """Returns response when it is a success (2xx or 3xx), else raises dialbook.Error."""
    if response.status_code >= 400:
        raise Error.from_response(response, what)
    return response


def bad_argument(message):
    return Error(message, code="bad.argument")
