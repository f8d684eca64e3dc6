"""The boto3 workload of `iaas-bench http`: the same S3 and SQS calls against iaasd's HTTP endpoint and against
moto's server, side by side in one run, as ratios.

    python boto3_workload.py --iaasd http://127.0.0.1:PORT [--seconds 3] [--clients 1,8]

It starts moto's server itself (the venv's `moto_server`, on a free loopback port) and stops it at the end.
Each figure is the number of operations (or bytes) that N client processes, each with its own boto3 client,
complete in the given time, after one warm-up call each. Clients are processes, not threads, so that
Python's lock does not serialize them; on a small machine they still share its cores with the server.
"""

import argparse
import multiprocessing
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import boto3
from botocore.config import Config

SMALL = os.urandom(4096)
LARGE_SIZE = 64 * 1024 * 1024
BODY = "m" * 100


def client(service, endpoint):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}, read_timeout=120),
    )


# Each step gets (clients, the run's context, the worker's index, its iteration) and answers the units done.


def s3_put_small(s3, context, worker, iteration):
    s3.put_object(Bucket=context["bucket"], Key=f"small/{worker}/{iteration}", Body=SMALL)
    return 1


def s3_get_small(s3, context, worker, iteration):
    s3.get_object(Bucket=context["bucket"], Key=f"seed/{iteration % 64}")["Body"].read()
    return 1


def s3_put_large(s3, context, worker, iteration):
    s3.put_object(Bucket=context["bucket"], Key=f"large/{worker}", Body=context["large"])
    return LARGE_SIZE


def s3_get_large(s3, context, worker, iteration):
    body = s3.get_object(Bucket=context["bucket"], Key="large-seed")["Body"]
    total = 0
    while chunk := body.read(1 << 20):
        total += len(chunk)
    return total


def sqs_send(sqs, context, worker, iteration):
    sqs.send_message(QueueUrl=context["queue"], MessageBody=BODY)
    return 1


def sqs_receive_delete(sqs, context, worker, iteration):
    messages = sqs.receive_message(QueueUrl=context["queue"], MaxNumberOfMessages=10).get("Messages", [])
    if messages:
        sqs.delete_message_batch(
            QueueUrl=context["queue"],
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )
    return len(messages)


def worker(service, endpoint, step, context, index, seconds, start, results):
    try:
        api = client(service, endpoint)
        start.wait(timeout=120)
        done, iteration = 0, 0
        cpu = time.process_time()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            done += step(api, context, index, iteration)
            iteration += 1
        results.put((done, time.process_time() - cpu, None))
    except Exception as error:  # a failed call ends the run with its reason, never a hang
        results.put((0, 0.0, f"{step.__name__}: {error!r}"))


def measure(service, endpoint, step, context, clients, seconds):
    start = multiprocessing.Barrier(clients + 1)
    results = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(target=worker, args=(service, endpoint, step, context, i, seconds, start, results))
        for i in range(clients)
    ]
    for process in processes:
        process.start()
    start.wait(timeout=120)
    began = time.monotonic()
    outcomes = [results.get(timeout=seconds + 600) for _ in processes]
    elapsed = time.monotonic() - began
    for process in processes:
        process.join()
    failures = [failure for _, _, failure in outcomes if failure]
    if failures:
        raise SystemExit(f"{endpoint}: {failures[0]}")
    done = sum(done for done, _, _ in outcomes)
    # The client's ceiling: what boto3 itself could do if the server cost nothing, its own CPU per unit
    # spread over as many cores as it has processes.
    cpu = sum(cpu for _, cpu, _ in outcomes)
    ceiling = done / cpu * min(clients, os.cpu_count() or 1) if cpu > 0 else float("inf")
    return done / elapsed, ceiling


def run(endpoint, clients, seconds):
    """Every figure for one endpoint, as {(name, clients): rate}."""
    s3 = client("s3", endpoint)
    sqs = client("sqs", endpoint)
    bucket = f"bench-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    for i in range(64):
        s3.put_object(Bucket=bucket, Key=f"seed/{i}", Body=SMALL)
    large = os.urandom(LARGE_SIZE)
    s3.put_object(Bucket=bucket, Key="large-seed", Body=large)
    context = {"bucket": bucket, "large": large}
    figures = {}
    for count in clients:
        figures[("S3 PUT 4 KiB", count)] = measure("s3", endpoint, s3_put_small, context, count, seconds)
        figures[("S3 GET 4 KiB", count)] = measure("s3", endpoint, s3_get_small, context, count, seconds)
        figures[("S3 PUT 64 MiB (MB/s)", count)] = tuple(
            figure / 1e6 for figure in measure("s3", endpoint, s3_put_large, context, count, seconds)
        )
        figures[("S3 GET 64 MiB (MB/s)", count)] = tuple(
            figure / 1e6 for figure in measure("s3", endpoint, s3_get_large, context, count, seconds)
        )
        queue = sqs.create_queue(QueueName=f"bench-{uuid.uuid4().hex[:12]}")["QueueUrl"]
        queue_context = {"queue": queue}
        figures[("SQS send", count)] = measure("sqs", endpoint, sqs_send, queue_context, count, seconds)
        # What the sends left is the backlog; a third of the time keeps it from running dry.
        figures[("SQS receive+delete", count)] = measure(
            "sqs", endpoint, sqs_receive_delete, queue_context, count, seconds / 3
        )
    return figures


def start_moto():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            return server, endpoint
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto_server did not start")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iaasd", required=True, help="iaasd's HTTP endpoint")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", default="1,8")
    arguments = parser.parse_args()
    clients = [int(c) for c in arguments.clients.split(",")]
    multiprocessing.set_start_method("fork")
    iaasd = run(arguments.iaasd, clients, arguments.seconds)
    moto, endpoint = start_moto()
    try:
        import moto as moto_package

        version = moto_package.__version__
        baseline = run(endpoint, clients, arguments.seconds)
    finally:
        # moto's server may linger on a kept-alive connection after SIGTERM.
        moto.terminate()
        try:
            moto.wait(timeout=10)
        except subprocess.TimeoutExpired:
            moto.kill()
            moto.wait()
    print(f"boto3 {boto3.__version__}; moto {version} (in memory); iaasd durable (fsync); {arguments.seconds:g} s a figure")
    print(
        "client max: what boto3 itself reaches with a server that costs nothing (its CPU per call, on "
        f"{os.cpu_count()} cores); a ratio to moto above client max / moto cannot be measured with boto3 here"
    )
    print(f"{'workload':<24}{'clients':>8}{'iaasd':>12}{'moto':>12}{'ratio':>9}{'client max':>12}{'max ratio':>11}")
    for (name, count), (rate, ceiling) in iaasd.items():
        other, _ = baseline[(name, count)]
        ratio = f"{rate / other:.1f}x" if other > 0 else "-"
        best = f"{ceiling / other:.1f}x" if other > 0 else "-"
        print(f"{name:<24}{count:>8}{rate:>12.1f}{other:>12.1f}{ratio:>9}{ceiling:>12.1f}{best:>11}")


if __name__ == "__main__":
    main()
