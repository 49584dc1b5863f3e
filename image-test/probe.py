"""GET a path as nginx would pass it on, and print the answer as one JSON line.

Runs inside the site's container (`ENGINE exec -i NAME python - ...` < probe.py) or on
the host: python3 probe.py PORT PATH HOST [CLIENT_ADDRESS]. No redirects are followed.
"""

import http.client
import json
import sys

port, path, host = int(sys.argv[1]), sys.argv[2], sys.argv[3]
client = sys.argv[4] if len(sys.argv) > 4 else "203.0.113.7"
try:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "GET",
        path,
        headers={
            "Host": host,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": client,
            "X-Real-IP": client,
        },
    )
    response = connection.getresponse()
    body = response.read()
    result = {
        "status": response.status,
        "content_type": response.getheader("Content-Type", ""),
        "location": response.getheader("Location", ""),
        "body": body.decode("utf-8", "replace"),
    }
except OSError as error:
    result = {"status": 0, "error": repr(error)}
print(json.dumps(result))
