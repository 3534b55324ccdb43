# asyncio: gather, sleep, a subprocess with a pipe, a queue, a timeout (the loop runs on epoll, with a socket pair to wake itself)
import asyncio, sys
async def worker(n):
    await asyncio.sleep(0.01 * n)
    return n * n
async def main():
    r = await asyncio.gather(*(worker(i) for i in range(5)))
    print("gather", r)
    p = await asyncio.create_subprocess_exec("sh", "-c", "echo from-child; exit 3", stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate()
    print("child", out.decode().strip(), p.returncode)
    q = asyncio.Queue()
    async def prod():
        for i in range(3): await q.put(i)
    asyncio.create_task(prod())
    print("queue", [await q.get() for _ in range(3)])
    try:
        await asyncio.wait_for(asyncio.sleep(5), 0.05)
    except asyncio.TimeoutError:
        print("timeout ok")
asyncio.run(main())
