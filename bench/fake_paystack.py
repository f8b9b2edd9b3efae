#!/usr/bin/env python3
"""A fake Paystack for bench/order_create.sh: asyncio, one thread, answers
POST /charge (accepted), GET /transaction/verify/<ref> (pending) and
POST /refund after LATENCY_MS. Usage: fake_paystack.py <port> <latency_ms>."""
import asyncio
import sys

PORT = int(sys.argv[1])
LATENCY = int(sys.argv[2]) / 1000.0
CHARGE = b'{"status":true,"message":"Charge attempted","data":{"status":"send_otp","display_text":"Approve on your phone"}}'
VERIFY = b'{"status":true,"message":"Verification successful","data":{"status":"pending"}}'


async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            body = VERIFY if head.startswith(b"GET") else CHARGE
            if LATENCY > 0:
                await asyncio.sleep(LATENCY)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body), body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", PORT, backlog=4096)
    async with server:
        await server.serve_forever()


asyncio.run(main())
