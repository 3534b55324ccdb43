#!/usr/bin/python3
"""asyncio_echo.py server PORT | client PORT — an asyncio TCP echo server on
127.0.0.1 and a client that opens 20 concurrent connections, each sending 50 lines
(and one 256 KiB line), and prints every echo in a fixed order."""
import asyncio
import sys


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def server(port):
    srv = await asyncio.start_server(handle, "127.0.0.1", port, limit=1 << 20)
    async with srv:
        await srv.serve_forever()


async def one_client(port, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    out = []
    for i in range(50):
        writer.write(f"conn {n} line {i}\n".encode())
        await writer.drain()
        out.append((await reader.readline()).decode().rstrip("\n"))
    big = ("x%d" % n) * 80000 + "\n"
    writer.write(big.encode())
    await writer.drain()
    echo = await reader.readline()
    out.append(f"conn {n} big line echoed: {echo == big.upper().encode()} ({len(echo)} bytes)")
    writer.close()
    await writer.wait_closed()
    return out


async def client(port):
    results = await asyncio.wait_for(asyncio.gather(*(one_client(port, n) for n in range(20))), 60)
    for r in results:
        print("\n".join(r))


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    asyncio.run(server(port) if mode == "server" else client(port))
