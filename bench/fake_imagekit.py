#!/usr/bin/env python3
"""A fake ImageKit upload API for bench/upload_cost.sh: answers POST
/api/v1/files/upload with a file object (a new random fileId each time, so
runs against the same database never collide); anything else 404.
Usage: fake_imagekit.py <port>."""
import json
import sys
import uuid

from fake_http import serve


def answer(head, body):
    if not head.startswith(b"POST /api/v1/files/upload "):
        return b"404 Not Found", b'{"message":"not found"}'
    n = uuid.uuid4().hex
    path = "/products/bench_%s.jpg" % n
    return b"200 OK", json.dumps({"fileId": "bench" + n, "name": "bench_%s.jpg" % n, "filePath": path,
                                  "url": "https://ik.imagekit.io/bench" + path, "thumbnailUrl": "",
                                  "fileType": "image", "width": 2000, "height": 2000,
                                  "size": len(body)}).encode()


serve(int(sys.argv[1]), answer, backlog=1024)
