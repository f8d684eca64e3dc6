"""EC2 through boto3 and the AWS CLI against iaasd's HTTP listener: EC2's query protocol.

Run by Tests/DaemonTests (EC2ConformanceTests), which starts iaasd with --http and the default AMI and sets
IAAS_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION. Instances are real QEMU
guests. Every test checks what came back.
"""

import json
import os
import subprocess
import sys
import time
import unittest
import uuid

import boto3
import botocore.exceptions
from botocore.config import Config

ENDPOINT = os.environ["IAAS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
FAST = {"Delay": 1, "MaxAttempts": 120}


def client():
    return boto3.client(
        "ec2",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}),
    )


def error_code(raised):
    return raised.exception.response["Error"]["Code"]


def aws(*arguments):
    command = [os.path.join(os.path.dirname(sys.executable), "aws"), "--endpoint-url", ENDPOINT, "--output", "json"]
    run = subprocess.run(command + list(arguments), capture_output=True, text=True)
    if run.returncode != 0:
        raise AssertionError(f"aws {' '.join(arguments)} failed: {run.stderr}")
    return json.loads(run.stdout) if run.stdout.strip() else {}


def wait_until(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {seconds} s")
        time.sleep(0.2)


def attachment_state(ec2, volume_id):
    attachments = ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]["Attachments"]
    return attachments[0]["State"] if attachments else None


class Regions(unittest.TestCase):
    def test_regions_and_zones(self):
        ec2 = client()
        self.assertIn("us-east-1", [region["RegionName"] for region in ec2.describe_regions()["Regions"]])
        zones = ec2.describe_availability_zones()["AvailabilityZones"]
        self.assertEqual(sorted(zone["ZoneName"] for zone in zones), ["us-east-1a", "us-east-1b", "us-east-1c"])
        self.assertTrue(all(zone["State"] == "available" for zone in zones))


class Volumes(unittest.TestCase):
    def test_volume_life_cycle_with_tags_filters_and_modification(self):
        ec2 = client()
        name = uuid.uuid4().hex
        volume = ec2.create_volume(
            AvailabilityZone="us-east-1a",
            Size=2,
            VolumeType="gp3",
            TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": name}]}],
        )
        volume_id = volume["VolumeId"]
        self.assertTrue(volume_id.startswith("vol-"))
        self.assertEqual(volume["Size"], 2)
        ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=FAST)
        found = ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": [name]}])["Volumes"]
        self.assertEqual([v["VolumeId"] for v in found], [volume_id])
        self.assertEqual(found[0]["State"], "available")
        self.assertEqual(found[0]["AvailabilityZone"], "us-east-1a")
        self.assertEqual(found[0]["Tags"], [{"Key": "Name", "Value": name}])
        ec2.create_tags(Resources=[volume_id], Tags=[{"Key": "env", "Value": "test"}])
        tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [volume_id]}])["Tags"]
        self.assertEqual(sorted((tag["Key"], tag["Value"]) for tag in tags), [("Name", name), ("env", "test")])
        ec2.delete_tags(Resources=[volume_id], Tags=[{"Key": "env"}])
        modification = ec2.modify_volume(VolumeId=volume_id, Size=3)["VolumeModification"]
        self.assertEqual(modification["TargetSize"], 3)
        modifications = ec2.describe_volumes_modifications(VolumeIds=[volume_id])["VolumesModifications"]
        self.assertEqual(modifications[0]["VolumeId"], volume_id)
        status = ec2.describe_volume_status(VolumeIds=[volume_id])["VolumeStatuses"]
        self.assertEqual(status[0]["VolumeStatus"]["Status"], "ok")
        # The AWS CLI reads the same volume.
        listed = aws("ec2", "describe-volumes", "--volume-ids", volume_id)["Volumes"]
        self.assertEqual(listed[0]["Tags"], [{"Key": "Name", "Value": name}])
        ec2.delete_volume(VolumeId=volume_id)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.describe_volumes(VolumeIds=[volume_id])
        self.assertEqual(error_code(raised), "InvalidVolume.NotFound")

    def test_bad_input_gets_ec2s_errors(self):
        ec2 = client()
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.create_volume(AvailabilityZone="us-east-1z", Size=1)
        self.assertEqual(error_code(raised), "InvalidZone.NotFound")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.delete_volume(VolumeId="vol-0000000000000000f")
        self.assertEqual(error_code(raised), "InvalidVolume.NotFound")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, DryRun=True)
        self.assertEqual(error_code(raised), "DryRunOperation")
        self.assertEqual(
            [v for v in ec2.describe_volumes()["Volumes"] if v["AvailabilityZone"] == "us-east-1z"], []
        )


class Snapshots(unittest.TestCase):
    def test_snapshot_restore_copy_and_delete(self):
        ec2 = client()
        volume_id = ec2.create_volume(AvailabilityZone="us-east-1b", Size=1)["VolumeId"]
        ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=FAST)
        snapshot_id = aws("ec2", "create-snapshot", "--volume-id", volume_id, "--description", "first")["SnapshotId"]
        ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[snapshot_id], WaiterConfig=FAST)
        snapshot = aws("ec2", "describe-snapshots", "--snapshot-ids", snapshot_id)["Snapshots"][0]
        self.assertEqual(snapshot["Description"], "first")
        self.assertEqual((snapshot["State"], snapshot["VolumeId"], snapshot["VolumeSize"]), ("completed", volume_id, 1))
        self.assertIn(snapshot_id, [s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]])
        restored = ec2.create_volume(AvailabilityZone="us-east-1c", SnapshotId=snapshot_id)
        self.assertEqual((restored["SnapshotId"], restored["Size"]), (snapshot_id, 1))
        copy_id = ec2.copy_snapshot(SourceSnapshotId=snapshot_id, SourceRegion=REGION)["SnapshotId"]
        ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[copy_id], WaiterConfig=FAST)
        ec2.get_waiter("volume_available").wait(VolumeIds=[restored["VolumeId"]], WaiterConfig=FAST)
        for volume in [volume_id, restored["VolumeId"]]:
            ec2.delete_volume(VolumeId=volume)
        for snapshot in [snapshot_id, copy_id]:
            ec2.delete_snapshot(SnapshotId=snapshot)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.describe_snapshots(SnapshotIds=[snapshot_id])
        self.assertEqual(error_code(raised), "InvalidSnapshot.NotFound")

    def test_kernel_and_ramdisk_images_registered_from_s3(self):
        ec2 = client()
        s3 = boto3.client(
            "s3",
            endpoint_url=ENDPOINT,
            region_name=REGION,
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )
        bucket = f"boot-{uuid.uuid4().hex[:12]}"
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="initrd.gz", Body=b"\x1f\x8b\x08\x00" + bytes(60))
        s3.put_object(Bucket=bucket, Key="notes.txt", Body=b"not a kernel")
        ramdisk_id = ec2.register_image(Name=f"ramdisk-{bucket}", ImageLocation=f"{bucket}/initrd.gz")["ImageId"]
        self.assertTrue(ramdisk_id.startswith("ari-"))
        ramdisk = ec2.describe_images(ImageIds=[ramdisk_id])["Images"][0]
        self.assertEqual((ramdisk["ImageType"], ramdisk["ImageLocation"]), ("ramdisk", f"{bucket}/initrd.gz"))
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.register_image(Name=f"notes-{bucket}", ImageLocation=f"{bucket}/notes.txt")
        self.assertEqual(error_code(raised), "InvalidManifest")

        volume_id = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
        ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=FAST)
        snapshot_id = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
        ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[snapshot_id], WaiterConfig=FAST)
        mapping = f"DeviceName=/dev/xvda,Ebs={{SnapshotId={snapshot_id}}}"
        image_id = aws(
            "ec2", "register-image", "--name", f"machine-{bucket}", "--ramdisk-id", ramdisk_id,
            "--block-device-mappings", mapping,
        )["ImageId"]
        image = aws("ec2", "describe-images", "--image-ids", image_id)["Images"][0]
        self.assertEqual((image["ImageType"], image["RamdiskId"]), ("machine", ramdisk_id))
        for image in [image_id, ramdisk_id]:
            ec2.deregister_image(ImageId=image)
        ec2.delete_snapshot(SnapshotId=snapshot_id)
        ec2.delete_volume(VolumeId=volume_id)


class Instances(unittest.TestCase):
    def test_instance_life_cycle_with_addresses_volumes_and_console(self):
        ec2 = client()
        images = ec2.describe_images(Owners=["amazon"])["Images"]
        self.assertTrue(images, "no built-in AMI")
        image_id = images[0]["ImageId"]
        self.assertIn("t3.micro", [t["InstanceType"] for t in ec2.describe_instance_types()["InstanceTypes"]])
        reservation = ec2.run_instances(
            ImageId=image_id,
            InstanceType="t3.micro",
            MinCount=1,
            MaxCount=1,
            Placement={"AvailabilityZone": "us-east-1a"},
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "web"}]}],
        )
        instance = reservation["Instances"][0]
        instance_id = instance["InstanceId"]
        self.assertEqual(instance["State"]["Name"], "pending")
        ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=FAST)
        running = ec2.describe_instances(Filters=[{"Name": "tag:role", "Values": ["web"]}])["Reservations"]
        described = [i for r in running for i in r["Instances"] if i["InstanceId"] == instance_id][0]
        self.assertEqual(described["State"]["Name"], "running")
        self.assertTrue(described["PrivateIpAddress"].startswith("172.31."))
        self.assertTrue(described["PrivateDnsName"].startswith("ip-172-31-"))
        self.assertIn("PublicIpAddress", described)
        statuses = ec2.describe_instance_status(InstanceIds=[instance_id])["InstanceStatuses"]
        self.assertEqual(statuses[0]["InstanceState"]["Name"], "running")

        allocation = ec2.allocate_address(Domain="vpc")
        association = ec2.associate_address(AllocationId=allocation["AllocationId"], InstanceId=instance_id)
        self.assertTrue(association["AssociationId"].startswith("eipassoc-"))
        addresses = ec2.describe_addresses(AllocationIds=[allocation["AllocationId"]])["Addresses"]
        self.assertEqual((addresses[0]["InstanceId"], addresses[0]["PublicIp"]), (instance_id, allocation["PublicIp"]))
        ec2.disassociate_address(AssociationId=association["AssociationId"])
        ec2.release_address(AllocationId=allocation["AllocationId"])

        volume_id = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
        ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=FAST)
        attachment = ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device="/dev/sdf")
        self.assertEqual(attachment["InstanceId"], instance_id)
        ec2.get_waiter("volume_in_use").wait(VolumeIds=[volume_id], WaiterConfig=FAST)
        wait_until(lambda: attachment_state(ec2, volume_id) == "attached")
        ec2.detach_volume(VolumeId=volume_id)
        ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=FAST)
        ec2.delete_volume(VolumeId=volume_id)

        console = aws("ec2", "get-console-output", "--instance-id", instance_id)
        self.assertEqual(console["InstanceId"], instance_id)
        self.assertTrue(console.get("Output"))
        listed = aws(
            "ec2", "describe-instances", "--filters", "Name=instance-state-name,Values=running", "Name=tag:role,Values=web"
        )["Reservations"]
        self.assertIn(instance_id, [i["InstanceId"] for r in listed for i in r["Instances"]])

        stopping = aws("ec2", "stop-instances", "--instance-ids", instance_id)["StoppingInstances"][0]
        self.assertEqual(stopping["CurrentState"]["Name"], "stopping")
        ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig=FAST)
        ec2.terminate_instances(InstanceIds=[instance_id])
        ec2.get_waiter("instance_terminated").wait(InstanceIds=[instance_id], WaiterConfig=FAST)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.start_instances(InstanceIds=[instance_id])
        self.assertEqual(error_code(raised), "IncorrectInstanceState")


class SecurityGroups(unittest.TestCase):
    def test_security_group_life_cycle_through_boto3_and_the_cli(self):
        ec2 = client()
        name = "web-" + uuid.uuid4().hex[:8]
        created = ec2.create_security_group(
            GroupName=name,
            Description="web servers",
            TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "tier", "Value": "front"}]}],
        )
        group = created["GroupId"]
        self.assertTrue(group.startswith("sg-"))
        rules = ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "http"}]},
                {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "UserIdGroupPairs": [{"GroupId": group}]},
            ],
        )["SecurityGroupRules"]
        self.assertEqual(len(rules), 2)
        self.assertTrue(all(rule["SecurityGroupRuleId"].startswith("sgr-") for rule in rules))
        # The AWS CLI's flat form (--protocol, --port, --cidr).
        aws("ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/8")
        described = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
        self.assertEqual(described["GroupName"], name)
        self.assertEqual(described["Tags"], [{"Key": "tier", "Value": "front"}])
        inbound = {(p["IpProtocol"], p.get("FromPort")): p for p in described["IpPermissions"]}
        self.assertEqual(inbound[("tcp", 80)]["IpRanges"], [{"CidrIp": "0.0.0.0/0", "Description": "http"}])
        self.assertEqual(inbound[("icmp", -1)]["UserIdGroupPairs"][0]["GroupId"], group)
        self.assertEqual(inbound[("tcp", 22)]["IpRanges"][0]["CidrIp"], "10.0.0.0/8")
        self.assertEqual(described["IpPermissionsEgress"][0]["IpProtocol"], "-1")
        by_filter = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [name]}])["SecurityGroups"]
        self.assertEqual([g["GroupId"] for g in by_filter], [group])
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.create_security_group(GroupName=name, Description="again")
        self.assertEqual(error_code(raised), "InvalidGroup.Duplicate")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.authorize_security_group_ingress(GroupId=group, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="10.0.0.0/8")
        self.assertEqual(error_code(raised), "InvalidPermission.Duplicate")
        ec2.revoke_security_group_ingress(GroupId=group, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="10.0.0.0/8")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.revoke_security_group_ingress(GroupId=group, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="10.0.0.0/8")
        self.assertEqual(error_code(raised), "InvalidPermission.NotFound")
        default = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.delete_security_group(GroupId=default)
        self.assertEqual(error_code(raised), "CannotDelete")
        aws("ec2", "delete-security-group", "--group-id", group)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.describe_security_groups(GroupIds=[group])
        self.assertEqual(error_code(raised), "InvalidGroup.NotFound")


class Protocol(unittest.TestCase):
    def test_unknown_actions_and_bad_signatures(self):
        ec2 = client()
        ec2.meta.events.register(
            "before-sign.ec2.DescribeRegions",
            lambda request, **_: setattr(request, "data", b"Action=LaunchRockets&Version=2016-11-15"),
        )
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            ec2.describe_regions()
        self.assertEqual(error_code(raised), "InvalidAction")
        wrong = boto3.client(
            "ec2",
            endpoint_url=ENDPOINT,
            region_name=REGION,
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key="wrong",
        )
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            wrong.describe_regions()
        self.assertEqual(error_code(raised), "SignatureDoesNotMatch")


if __name__ == "__main__":
    unittest.main(verbosity=2)
