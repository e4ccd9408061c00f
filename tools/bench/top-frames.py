#!/usr/bin/env python3
"""Top frames of a dotnet-trace thread-time profile (speedscope JSON), counting only samples of running threads.

dotnet-trace's sampled thread time samples every managed thread, blocked or not; a sample whose innermost frame is
a wait (a thread-pool thread parked, a socket poll, a timer, a monitor) is idle time, not CPU. What is left
approximates where the process spends CPU. Usage: top-frames.py trace.speedscope.json [N]
"""
import json, re, sys
from collections import Counter

IDLE = re.compile(r"Thread \(\d+\)$|WaitNative|WaitOneNoCheck|WaitMultiple|Monitor\.Wait|WaitForSignal|LowLevelSpinWaiter|"
                  r"WaitForSocketEvents|Interop\+Sys\.Read\b|Thread\.Sleep|SleepInternal|PollGC|Interop\+Sys\.Poll|epoll|"
                  r"ManualResetEventSlim\.Wait|SemaphoreSlim\.Wait|Task\.InternalWait|Missing Symbol")

def main(path, n):
    data = json.load(open(path))
    frames = [f["name"] for f in data["shared"]["frames"]]
    inclusive, exclusive, running = Counter(), Counter(), 0

    def count(stack, weight):
        nonlocal running
        # TraceEvent ends each stack in a pseudo-frame (CPU_TIME: managed code running; UNMANAGED_CODE_TIME: in
        # native code, running or blocked in a wait): the frame under it is the one that counts.
        if weight <= 0 or not stack:
            return
        leaf = stack[-1]
        if frames[leaf] in ("CPU_TIME", "UNMANAGED_CODE_TIME", "BLOCKED_TIME"):
            if frames[leaf] == "BLOCKED_TIME" or len(stack) < 2:
                return
            leaf = stack[-2]
        if IDLE.search(frames[leaf]):
            return
        running += weight
        exclusive[frames[leaf]] += weight
        for name in set(frames[i] for i in stack):
            inclusive[name] += weight

    for profile in data["profiles"]:
        if profile["type"] == "evented":  # one profile per thread: frames opened and closed over time
            stack, last = [], profile["startValue"]
            for event in profile["events"]:
                count(stack, event["at"] - last)
                last = event["at"]
                if event["type"] == "O":
                    stack.append(event["frame"])
                elif stack:
                    stack.pop()
        else:
            samples = profile.get("samples") or []
            for stack, weight in zip(samples, profile.get("weights") or [1] * len(samples)):
                count(stack, weight)
    print(f"{running:.0f} running-thread sample weight")
    for title, counter in (("exclusive", exclusive), ("inclusive", inclusive)):
        print(f"== top {n} frames, {title} (share of running samples)")
        for name, weight in counter.most_common(n):
            print(f"{100 * weight / running:6.2f}%  {name[:150]}")

main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30)
