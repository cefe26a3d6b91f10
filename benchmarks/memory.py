"""Peak memory of this process, for the benchmarks' memory targets."""


def peak_mb() -> float:
    """This process's peak resident memory in MB since it started its program: VmHWM of
    /proc/self/status. Not ru_maxrss, which Linux carries over from the parent through fork and
    exec (a benchmark process grown to 377 MB made every child it started report 377 MB)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")
