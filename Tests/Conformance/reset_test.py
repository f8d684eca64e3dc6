"""POST /_iaas/reset against iaasd started with --http-reset: every resource goes, the cloud keeps serving.

Run by Tests/DaemonTests (ResetTests), which starts iaasd with --http, --credentials, --http-reset and the
default AMI (the reset terminates a real guest). The reset is signed as any request must be when the endpoint
has credentials.
"""

import json
import os
import unittest
import urllib.error
import urllib.request
import uuid

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

ENDPOINT = os.environ["IAAS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")


def client(service):
    return boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )


def reset(signed=True):
    request = AWSRequest(method="POST", url=ENDPOINT + "/_iaas/reset", data=b"")
    if signed:
        credentials = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
        SigV4Auth(credentials, "iaas", REGION).add_auth(request)
    prepared = urllib.request.Request(request.url, data=b"", headers=dict(request.headers), method="POST")
    try:
        with urllib.request.urlopen(prepared, timeout=300) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class Reset(unittest.TestCase):
    def test_every_resource_goes_and_the_cloud_keeps_serving(self):
        ec2, s3, sqs = client("ec2"), client("s3"), client("sqs")
        status, body = reset(signed=False)
        self.assertEqual((status, body["__type"]), (403, "MissingAuthenticationToken"))

        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instance = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
        volume = ec2.create_volume(AvailabilityZone="us-east-1b", Size=1)["VolumeId"]
        ec2.get_waiter("volume_available").wait(VolumeIds=[volume], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        ec2.create_snapshot(VolumeId=volume)
        address = ec2.allocate_address(Domain="vpc")["AllocationId"]
        bucket = f"reset-{uuid.uuid4().hex[:12]}"
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        for body in [b"one", b"two"]:
            s3.put_object(Bucket=bucket, Key="k", Body=body)
        s3.delete_object(Bucket=bucket, Key="k")
        s3.create_multipart_upload(Bucket=bucket, Key="unfinished")
        queue = sqs.create_queue(QueueName="reset-queue")["QueueUrl"]
        sqs.send_message(QueueUrl=queue, MessageBody="left behind")

        status, body = reset()
        self.assertEqual(status, 200, body)
        counts = body["Reset"]
        self.assertEqual(
            (counts["instances"], counts["volumes"] >= 1, counts["snapshots"], counts["addresses"]),
            (1, True, 1, 1),
        )
        self.assertEqual((counts["buckets"], counts["queues"]), (1, 1))

        # Terminated instances stay listed for an hour, as in AWS.
        described = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
        self.assertEqual([(i["InstanceId"], i["State"]["Name"]) for i in described], [(instance["InstanceId"], "terminated")])
        self.assertEqual(ec2.describe_volumes()["Volumes"], [])
        self.assertEqual(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"], [])
        self.assertEqual(ec2.describe_addresses()["Addresses"], [])
        self.assertEqual(s3.list_buckets()["Buckets"], [])
        self.assertEqual(sqs.list_queues().get("QueueUrls", []), [])

        # Nothing is left to reset, and the names are free again.
        status, body = reset()
        self.assertEqual((status, set(body["Reset"].values())), (200, {0}))
        s3.create_bucket(Bucket=bucket)
        self.assertEqual([b["Name"] for b in s3.list_buckets()["Buckets"]], [bucket])
        self.assertTrue(sqs.create_queue(QueueName="reset-queue")["QueueUrl"].endswith("/reset-queue"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
