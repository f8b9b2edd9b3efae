"""The loop of the bench's fake providers (fake_paystack.py,
fake_imagekit.py): asyncio on one thread, HTTP/1.1 keep-alive, each request
read whole (Content-Length bodies) and answered with JSON by
`answer(head, body) -> (status line, body bytes)` after `delay_s`."""
import asyncio


def serve(port, answer, delay_s=0.0, backlog=4096):
    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length) if length else b""
                status, reply = answer(head, body)
                if delay_s > 0:
                    await asyncio.sleep(delay_s)
                writer.write(b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                             % (status, len(reply), reply))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=backlog)
        async with server:
            await server.serve_forever()

    asyncio.run(main())
