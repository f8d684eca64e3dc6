"""S3 through boto3 and the AWS CLI against iaasd's HTTP listener: S3's REST protocol.

Run by Tests/DaemonTests (S3ConformanceTests), which starts iaasd with --http and sets IAAS_ENDPOINT,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION. Every test checks what came back.
"""

import base64
import datetime
import hashlib
import http.client
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib

import boto3
import botocore.exceptions
from botocore.config import Config

ENDPOINT = os.environ["IAAS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")


def client(addressing="path", **overrides):
    options = {
        "endpoint_url": ENDPOINT,
        "region_name": REGION,
        "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"],
        "config": Config(retries={"max_attempts": 1}, s3={"addressing_style": addressing}),
    }
    options.update(overrides)
    return boto3.client("s3", **options)


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def error_code(raised):
    return raised.exception.response["Error"]["Code"]


def to_loopback(request, **_):
    """Sends a request for `<bucket>.localhost:PORT` to 127.0.0.1, with the Host header it was signed with."""
    parts = urllib.parse.urlsplit(request.url)
    request.headers["Host"] = parts.netloc
    request.url = urllib.parse.urlunsplit(parts._replace(netloc=f"127.0.0.1:{parts.port}"))


def signed(method, path, body=b"", headers=None, payload_hash=None):
    """A request signed as an SDK signs it (SigV4, S3's payload hash), sent with urllib: for bodies an SDK
    would never send."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    class Signer(S3SigV4Auth):
        def payload(self, request):
            return payload_hash or hashlib.sha256(body).hexdigest()

    request = AWSRequest(method=method, url=ENDPOINT + path, data=body, headers=dict(headers or {}))
    credentials = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
    Signer(credentials, "s3", REGION).add_auth(request)
    prepared = urllib.request.Request(ENDPOINT + path, data=body or None, method=method, headers=dict(request.headers))
    try:
        with urllib.request.urlopen(prepared) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def new_bucket(prefix):
    """A client and a new bucket of a unique name."""
    s3 = client()
    bucket = unique(prefix)
    s3.create_bucket(Bucket=bucket)
    return s3, bucket


def empty_bucket(s3, bucket):
    versions = s3.list_object_versions(Bucket=bucket)
    for entry in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
    for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    s3.delete_bucket(Bucket=bucket)


class Buckets(unittest.TestCase):
    def test_create_head_locate_list_and_delete(self):
        s3, bucket = new_bucket("life")
        self.assertEqual(s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"], "us-east-1")
        self.assertIsNone(s3.get_bucket_location(Bucket=bucket)["LocationConstraint"])
        names = [entry["Name"] for entry in s3.list_buckets()["Buckets"]]
        self.assertIn(bucket, names)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            s3.create_bucket(Bucket=bucket)
        self.assertEqual(error_code(raised), "BucketAlreadyOwnedByYou")
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            s3.delete_bucket(Bucket=bucket)
        self.assertEqual(error_code(raised), "BucketNotEmpty")
        s3.delete_object(Bucket=bucket, Key="k")
        s3.delete_bucket(Bucket=bucket)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            s3.head_bucket(Bucket=bucket)
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        with self.assertRaises(s3.exceptions.NoSuchBucket):
            s3.list_objects_v2(Bucket=bucket)

    def test_bad_bucket_names_are_refused(self):
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            client().create_bucket(Bucket="Not_A_Valid_Name")
        self.assertEqual(error_code(raised), "InvalidBucketName")


class Objects(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = client()
        cls.bucket = unique("objects")
        cls.s3.create_bucket(Bucket=cls.bucket)

    @classmethod
    def tearDownClass(cls):
        empty_bucket(cls.s3, cls.bucket)

    def test_put_get_head_with_metadata_and_odd_keys(self):
        body = os.urandom(100_000)
        for key in ["plain.txt", "dir/sub dir/a b+c&d=e?.bin", "ünïcødé/ключ", "trailing/"]:
            with self.subTest(key=key):
                put = self.s3.put_object(
                    Bucket=self.bucket, Key=key, Body=body, ContentType="application/x-test", Metadata={"Color": "blue"}
                )
                self.assertEqual(put["ETag"], '"' + hashlib.md5(body).hexdigest() + '"')
                got = self.s3.get_object(Bucket=self.bucket, Key=key)
                self.assertEqual(got["Body"].read(), body)
                self.assertEqual(got["ContentType"], "application/x-test")
                self.assertEqual(got["Metadata"], {"color": "blue"})
                self.assertEqual(got["ContentLength"], len(body))
                head = self.s3.head_object(Bucket=self.bucket, Key=key)
                self.assertEqual(head["ContentLength"], len(body))
                self.assertEqual(head["ETag"], put["ETag"])
                self.assertIsInstance(head["LastModified"], datetime.datetime)

    def test_the_checksum_a_put_sent_comes_back_with_the_object(self):
        body = os.urandom(300_000)
        expected = {
            "CRC32": base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode(),
            "SHA256": base64.b64encode(hashlib.sha256(body).digest()).decode(),
        }
        for algorithm, value in expected.items():
            with self.subTest(algorithm=algorithm):
                key = f"checksummed-{algorithm}"
                put = self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, ChecksumAlgorithm=algorithm)
                self.assertEqual(put[f"Checksum{algorithm}"], value)
                # boto3 checks the body against the checksum it is given.
                got = self.s3.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
                self.assertEqual((got[f"Checksum{algorithm}"], got["ChecksumType"]), (value, "FULL_OBJECT"))
                self.assertEqual(got["Body"].read(), body)
                head = self.s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
                self.assertEqual(head[f"Checksum{algorithm}"], value)
                ranged = self.s3.get_object(Bucket=self.bucket, Key=key, Range="bytes=0-9", ChecksumMode="ENABLED")
                self.assertNotIn(f"Checksum{algorithm}", ranged)
                self.assertEqual(ranged["Body"].read(), body[:10])
                # boto3 asks for checksums unless told to only when an operation requires them.
                quiet = client(config=Config(response_checksum_validation="when_required"))
                plain = quiet.get_object(Bucket=self.bucket, Key=key)
                self.assertNotIn(f"Checksum{algorithm}", plain)

    def test_virtual_hosted_style_reaches_the_same_objects(self):
        self.s3.put_object(Bucket=self.bucket, Key="vhost.txt", Body=b"by host")
        virtual = client(addressing="virtual", endpoint_url=ENDPOINT.replace("127.0.0.1", "localhost"))
        # `<bucket>.localhost` need not resolve here: connect to loopback and keep the signed Host.
        virtual.meta.events.register("before-send.s3", to_loopback)
        self.assertEqual(virtual.get_object(Bucket=self.bucket, Key="vhost.txt")["Body"].read(), b"by host")
        virtual.put_object(Bucket=self.bucket, Key="from-vhost", Body=b"put by host")
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="from-vhost")["Body"].read(), b"put by host")

    def test_ranges_and_conditions(self):
        body = bytes(range(256)) * 40
        etag = self.s3.put_object(Bucket=self.bucket, Key="ranged", Body=body)["ETag"]
        part = self.s3.get_object(Bucket=self.bucket, Key="ranged", Range="bytes=100-199")
        self.assertEqual(part["Body"].read(), body[100:200])
        self.assertEqual(part["ContentRange"], f"bytes 100-199/{len(body)}")
        self.assertEqual(part["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="ranged", Range="bytes=-10")["Body"].read(), body[-10:])
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.s3.get_object(Bucket=self.bucket, Key="ranged", Range=f"bytes={len(body)}-")
        self.assertEqual(error_code(raised), "InvalidRange")
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="ranged", IfMatch=etag)["Body"].read(), body)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.s3.get_object(Bucket=self.bucket, Key="ranged", IfMatch='"0000"')
        self.assertEqual(error_code(raised), "PreconditionFailed")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.s3.get_object(Bucket=self.bucket, Key="ranged", IfNoneMatch=etag)
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 304)
        future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.s3.get_object(Bucket=self.bucket, Key="ranged", IfModifiedSince=future)
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 304)

    def test_missing_keys_and_bad_digests(self):
        with self.assertRaises(self.s3.exceptions.NoSuchKey):
            self.s3.get_object(Bucket=self.bucket, Key="never-written")
        # A HEAD's error has no body: boto3 reports its status, as with S3.
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.s3.head_object(Bucket=self.bucket, Key="never-written")
        self.assertEqual(error_code(raised), "404")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.s3.put_object(Bucket=self.bucket, Key="digest", Body=b"abc", ContentMD5="1B2M2Y8AsgTpgAmY7PhCfg==")
        self.assertEqual(error_code(raised), "BadDigest")
        with self.assertRaises(self.s3.exceptions.NoSuchKey):
            self.s3.get_object(Bucket=self.bucket, Key="digest")

    def test_listing_with_prefixes_delimiters_and_pages(self):
        bucket = unique("listing")
        self.s3.create_bucket(Bucket=bucket)
        keys = [f"logs/2026/{day:02d}.log" for day in range(1, 8)] + ["logs/readme", "other/x", "top"]
        for key in keys:
            self.s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
        listed = self.s3.list_objects_v2(Bucket=bucket, Prefix="logs/", Delimiter="/")
        self.assertEqual([entry["Key"] for entry in listed["Contents"]], ["logs/readme"])
        self.assertEqual([entry["Prefix"] for entry in listed["CommonPrefixes"]], ["logs/2026/"])
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 3})
        self.assertEqual([entry["Key"] for page in pages for entry in page["Contents"]], sorted(keys))
        v1 = self.s3.get_paginator("list_objects").paginate(Bucket=bucket, PaginationConfig={"PageSize": 4})
        self.assertEqual([entry["Key"] for page in v1 for entry in page["Contents"]], sorted(keys))
        deleted = self.s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys]})
        self.assertEqual(sorted(entry["Key"] for entry in deleted["Deleted"]), sorted(keys))
        self.assertEqual(self.s3.list_objects_v2(Bucket=bucket)["KeyCount"], 0)
        self.s3.delete_bucket(Bucket=bucket)

    def test_copy_and_tagging(self):
        self.s3.put_object(Bucket=self.bucket, Key="original", Body=b"copy me", Metadata={"a": "1"}, Tagging="team=red")
        copied = self.s3.copy_object(Bucket=self.bucket, Key="copy", CopySource={"Bucket": self.bucket, "Key": "original"})
        self.assertEqual(copied["CopyObjectResult"]["ETag"], '"' + hashlib.md5(b"copy me").hexdigest() + '"')
        got = self.s3.get_object(Bucket=self.bucket, Key="copy")
        self.assertEqual(got["Body"].read(), b"copy me")
        self.assertEqual(got["Metadata"], {"a": "1"})
        self.assertEqual(got["TagCount"], 1)
        self.assertEqual(self.s3.get_object_tagging(Bucket=self.bucket, Key="copy")["TagSet"], [{"Key": "team", "Value": "red"}])
        self.s3.put_object_tagging(
            Bucket=self.bucket, Key="copy", Tagging={"TagSet": [{"Key": "env", "Value": "dev"}, {"Key": "x", "Value": "y"}]}
        )
        tags = self.s3.get_object_tagging(Bucket=self.bucket, Key="copy")["TagSet"]
        self.assertEqual(sorted((tag["Key"], tag["Value"]) for tag in tags), [("env", "dev"), ("x", "y")])
        self.s3.delete_object_tagging(Bucket=self.bucket, Key="copy")
        self.assertEqual(self.s3.get_object_tagging(Bucket=self.bucket, Key="copy")["TagSet"], [])


class Multipart(unittest.TestCase):
    def test_boto3_multipart_with_a_copied_part(self):
        s3, bucket = new_bucket("multi")
        first = os.urandom(5 * 1024 * 1024)
        s3.put_object(Bucket=bucket, Key="source", Body=b"tail bytes")
        upload = s3.create_multipart_upload(Bucket=bucket, Key="big", ContentType="application/octet-stream")
        self.assertEqual([u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"]], [upload["UploadId"]])
        part1 = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload["UploadId"], PartNumber=1, Body=first)
        part2 = s3.upload_part_copy(
            Bucket=bucket, Key="big", UploadId=upload["UploadId"], PartNumber=2, CopySource=f"{bucket}/source"
        )
        listed = s3.list_parts(Bucket=bucket, Key="big", UploadId=upload["UploadId"])["Parts"]
        self.assertEqual([part["PartNumber"] for part in listed], [1, 2])
        done = s3.complete_multipart_upload(
            Bucket=bucket,
            Key="big",
            UploadId=upload["UploadId"],
            MultipartUpload={
                "Parts": [
                    {"PartNumber": 1, "ETag": part1["ETag"]},
                    {"PartNumber": 2, "ETag": part2["CopyPartResult"]["ETag"]},
                ]
            },
        )
        digests = hashlib.md5(first).digest() + hashlib.md5(b"tail bytes").digest()
        self.assertEqual(done["ETag"], '"' + hashlib.md5(digests).hexdigest() + '-2"')
        self.assertEqual(s3.get_object(Bucket=bucket, Key="big")["Body"].read(), first + b"tail bytes")
        aborted = s3.create_multipart_upload(Bucket=bucket, Key="abandoned")
        s3.abort_multipart_upload(Bucket=bucket, Key="abandoned", UploadId=aborted["UploadId"])
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            s3.list_parts(Bucket=bucket, Key="abandoned", UploadId=aborted["UploadId"])
        self.assertEqual(error_code(raised), "NoSuchUpload")
        empty_bucket(s3, bucket)

    def test_aws_cli_copies_50_mib_up_and_down_in_parts(self):
        s3, bucket = new_bucket("cli")
        with tempfile.TemporaryDirectory() as directory:
            source = os.path.join(directory, "source.bin")
            with open(source, "wb") as file:
                file.write(os.urandom(50 * 1024 * 1024))
            aws = [os.path.join(os.path.dirname(sys.executable), "aws"), "--endpoint-url", ENDPOINT]
            subprocess.run(aws + ["s3", "cp", source, f"s3://{bucket}/big.bin", "--only-show-errors"], check=True)
            head = s3.head_object(Bucket=bucket, Key="big.bin")
            self.assertEqual(head["ContentLength"], 50 * 1024 * 1024)
            # The CLI uploads 8 MiB parts: the ETag says how many.
            self.assertTrue(head["ETag"].endswith('-7"'), head["ETag"])
            listing = subprocess.run(aws + ["s3", "ls", f"s3://{bucket}/"], check=True, capture_output=True, text=True)
            self.assertIn("52428800 big.bin", listing.stdout)
            back = os.path.join(directory, "back.bin")
            subprocess.run(aws + ["s3", "cp", f"s3://{bucket}/big.bin", back, "--only-show-errors"], check=True)
            with open(source, "rb") as one, open(back, "rb") as two:
                self.assertEqual(hashlib.sha256(one.read()).digest(), hashlib.sha256(two.read()).digest())
            subprocess.run(aws + ["s3", "rm", f"s3://{bucket}/big.bin", "--only-show-errors"], check=True)
        self.assertEqual(s3.list_objects_v2(Bucket=bucket)["KeyCount"], 0)
        s3.delete_bucket(Bucket=bucket)


class Versioning(unittest.TestCase):
    def test_versions_delete_markers_and_reads_by_id(self):
        s3, bucket = new_bucket("versions")
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(s3.get_bucket_versioning(Bucket=bucket)["Status"], "Enabled")
        first = s3.put_object(Bucket=bucket, Key="doc", Body=b"one")["VersionId"]
        second = s3.put_object(Bucket=bucket, Key="doc", Body=b"two")["VersionId"]
        self.assertNotEqual(first, second)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="doc", VersionId=first)["Body"].read(), b"one")
        marker = s3.delete_object(Bucket=bucket, Key="doc")
        self.assertTrue(marker["DeleteMarker"])
        with self.assertRaises(self.s3_no_such_key(s3)):
            s3.get_object(Bucket=bucket, Key="doc")
        versions = s3.list_object_versions(Bucket=bucket)
        self.assertEqual([v["VersionId"] for v in versions["Versions"]], [second, first])
        self.assertEqual([m["VersionId"] for m in versions["DeleteMarkers"]], [marker["VersionId"]])
        self.assertTrue(versions["DeleteMarkers"][0]["IsLatest"])
        s3.delete_object(Bucket=bucket, Key="doc", VersionId=marker["VersionId"])
        self.assertEqual(s3.get_object(Bucket=bucket, Key="doc")["Body"].read(), b"two")
        empty_bucket(s3, bucket)

    @staticmethod
    def s3_no_such_key(s3):
        return s3.exceptions.NoSuchKey


class AwsChunked(unittest.TestCase):
    """Streamed uploads as the SDKs that use aws-chunked send them: unsigned chunks with a trailing checksum."""

    @staticmethod
    def chunked(data, chunk, trailer):
        body = b""
        for start in range(0, len(data), chunk):
            piece = data[start : start + chunk]
            body += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        return body + b"0\r\n" + trailer + b"\r\n\r\n"

    def put(self, bucket, key, data, trailer):
        return signed(
            "PUT",
            f"/{bucket}/{key}",
            self.chunked(data, 64 * 1024, trailer),
            headers={
                "Content-Encoding": "aws-chunked",
                "x-amz-decoded-content-length": str(len(data)),
                "x-amz-trailer": "x-amz-checksum-crc32",
            },
            payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        )

    def test_unsigned_chunks_with_a_trailing_crc32(self):
        s3, bucket = new_bucket("chunked")
        data = os.urandom(200_000)
        crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big"))
        status, headers, body = self.put(bucket, "streamed", data, b"x-amz-checksum-crc32:" + crc)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("ETag"), '"' + hashlib.md5(data).hexdigest() + '"')
        self.assertEqual(headers.get("x-amz-checksum-crc32"), crc.decode())
        self.assertEqual(s3.get_object(Bucket=bucket, Key="streamed")["Body"].read(), data)
        status, _, body = self.put(bucket, "corrupt", data, b"x-amz-checksum-crc32:AAAAAA==")
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>BadDigest</Code>", body)
        with self.assertRaises(s3.exceptions.NoSuchKey):
            s3.get_object(Bucket=bucket, Key="corrupt")
        empty_bucket(s3, bucket)


class Presigned(unittest.TestCase):
    def fetch(self, url, method="GET", body=None):
        # http.client, not urllib: a presigned PUT must not gain a Content-Type it was not signed with.
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request(method, parts.path + "?" + parts.query, body=body)
        response = connection.getresponse()
        result = (response.status, response.read())
        connection.close()
        return result

    def test_presigned_get_and_put_work_without_credentials_at_hand(self):
        # boto3 presigns with signature version 2 in us-east-1 unless told otherwise: both must work.
        for version in ["s3", "s3v4"]:
            with self.subTest(signature_version=version):
                self.presigned_round_trip(
                    client(config=Config(signature_version=version, s3={"addressing_style": "path"}))
                )

    def presigned_round_trip(self, presigner):
        s3, bucket = new_bucket("presign")
        s3.put_object(Bucket=bucket, Key="shared.txt", Body=b"shared by URL")
        url = presigner.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": "shared.txt"}, ExpiresIn=300
        )
        self.assertEqual(self.fetch(url), (200, b"shared by URL"))
        put = presigner.generate_presigned_url(
            "put_object", Params={"Bucket": bucket, "Key": "uploaded.bin"}, ExpiresIn=300
        )
        status, _ = self.fetch(put, "PUT", b"uploaded by URL")
        self.assertEqual(status, 200)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="uploaded.bin")["Body"].read(), b"uploaded by URL")
        # A URL for one key does not open another, and a changed signature opens nothing.
        status, body = self.fetch(url.replace("shared.txt", "uploaded.bin"))
        self.assertEqual(status, 403)
        self.assertIn(b"SignatureDoesNotMatch", body)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        signature = urllib.parse.quote((query.get("X-Amz-Signature") or query["Signature"])[0], safe="")
        self.assertIn(signature, url)
        status, body = self.fetch(url.replace(signature, "0" * 40))
        self.assertEqual(status, 403)
        self.assertIn(b"SignatureDoesNotMatch", body)
        empty_bucket(s3, bucket)

    def test_an_expired_url_is_refused(self):
        s3, bucket = new_bucket("expired")
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        urls = [
            client(config=Config(signature_version=version, s3={"addressing_style": "path"})).generate_presigned_url(
                "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=1
            )
            for version in ["s3", "s3v4"]
        ]
        time.sleep(2.1)
        for url in urls:
            status, body = self.fetch(url)
            self.assertEqual(status, 403)
            self.assertIn(b"<Code>AccessDenied</Code>", body)
            self.assertIn(b"expired", body)
        empty_bucket(s3, bucket)


class PostPolicy(unittest.TestCase):
    """Browser-style uploads: boto3's generate_presigned_post, sent as a browser sends the form (urllib3,
    boto3's own HTTP library, encodes it; the file field comes last)."""

    def setUp(self):
        self.s3 = client()
        self.bucket = unique("post")
        self.s3.create_bucket(Bucket=self.bucket)

    def form(self, expires=300, key="uploads/${filename}", max_size=64 << 20, signature_version=None):
        s3 = client(config=Config(signature_version=signature_version, s3={"addressing_style": "path"}))
        return s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": "text/plain", "success_action_status": "201", "x-amz-meta-origin": "form"},
            Conditions=[
                ["starts-with", "$key", "uploads/"],
                {"Content-Type": "text/plain"},
                {"success_action_status": "201"},
                {"x-amz-meta-origin": "form"},
                ["content-length-range", 1, max_size],
            ],
            ExpiresIn=expires,
        )

    def post(self, form, data, name="hello.txt", fields=None):
        import urllib3

        body = dict(form["fields"], **(fields or {}))
        body["file"] = (name, data, "text/plain")
        response = urllib3.PoolManager().request("POST", form["url"], fields=body, retries=False, timeout=30)
        return response.status, response.headers, response.data

    def test_a_signed_form_uploads_its_file_with_the_policys_fields(self):
        # boto3 signs forms with version 2 in us-east-1 unless told s3v4.
        for version in ["s3v4", "s3"]:
            with self.subTest(signature_version=version):
                data = os.urandom(20 << 20)
                status, headers, body = self.post(self.form(signature_version=version), data, name=f"{version}.bin")
                self.assertEqual(status, 201, body)
                self.assertIn(b"<Key>uploads/", body)
                self.assertEqual(headers["ETag"], f'"{hashlib.md5(data).hexdigest()}"')
                stored = self.s3.get_object(Bucket=self.bucket, Key=f"uploads/{version}.bin")
                self.assertEqual(hashlib.sha256(stored["Body"].read()).digest(), hashlib.sha256(data).digest())
                self.assertEqual((stored["ContentType"], stored["Metadata"]), ("text/plain", {"origin": "form"}))

    def test_a_refused_upload_is_answered_without_reading_its_whole_file(self):
        # The form is signed, its policy holds, and PutObject refuses at once: the 8 MiB must not stall it.
        form = client(config=Config(signature_version="s3v4", s3={"addressing_style": "path"})).generate_presigned_post(
            Bucket=unique("absent"), Key="k", ExpiresIn=300
        )
        got, _, body = self.post(form, os.urandom(8 << 20))
        self.assertEqual(got, 404, body)
        self.assertIn(b"NoSuchBucket", body)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.s3.put_object(Bucket=unique("absent"), Key="k", Body=os.urandom(8 << 20))
        self.assertEqual(error_code(raised), "NoSuchBucket")

    def test_the_policy_and_signature_are_enforced_and_nothing_is_stored(self):
        cases = [
            (self.form(max_size=1024), b"x" * 2048, None, 400, b"EntityTooLarge"),
            (self.form(key="elsewhere/${filename}"), b"x", None, 403, b"AccessDenied"),
            (self.form(expires=-60), b"x", None, 403, b"Policy expired"),
            (self.form(), b"x", {"x-amz-meta-origin": "forged"}, 403, b"Policy Condition failed"),
            (self.form(), b"x", {"x-amz-meta-extra": "unsigned"}, 403, b"Extra input fields"),
            (self.form(signature_version="s3v4"), b"x", {"x-amz-signature": "0" * 64}, 403, b"SignatureDoesNotMatch"),
            (self.form(signature_version="s3"), b"x", {"signature": "AAAA"}, 403, b"SignatureDoesNotMatch"),
        ]
        for form, data, fields, status, code in cases:
            with self.subTest(code=code, fields=fields):
                got, _, body = self.post(form, data, fields=fields)
                self.assertEqual(got, status, body)
                self.assertIn(code, body)
        self.assertEqual(self.s3.list_objects_v2(Bucket=self.bucket)["KeyCount"], 0)


class Protocol(unittest.TestCase):
    def raw(self, method, path, headers=None, body=None):
        request = urllib.request.Request(ENDPOINT + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def test_unsigned_requests_are_refused_with_an_xml_error(self):
        status, headers, body = self.raw("GET", "/")
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", body)
        self.assertIn("x-amz-request-id", {name.lower() for name in headers})

    def test_bad_signatures_and_unsupported_subresources(self):
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            client(aws_secret_access_key="wrong").list_buckets()
        self.assertEqual(error_code(raised), "SignatureDoesNotMatch")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            client(aws_access_key_id="AKIDUNKNOWN").list_buckets()
        self.assertEqual(error_code(raised), "InvalidAccessKeyId")
        s3, bucket = new_bucket("proto")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            s3.get_bucket_acl(Bucket=bucket)
        self.assertEqual(error_code(raised), "NotImplemented")
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 501)
        s3.delete_bucket(Bucket=bucket)

    def test_malformed_xml_is_refused(self):
        s3, bucket = new_bucket("xml")
        for document in [b"<Versioning", b"<Wrong><Status>Enabled</Status></Wrong>", b""]:
            status, _, body = signed("PUT", f"/{bucket}?versioning", document)
            self.assertEqual(status, 400, body)
            self.assertIn(b"<Code>MalformedXML</Code>", body)
        status, _, body = signed("POST", f"/{bucket}?delete", b"<Delete><Object></Object></Delete>")
        self.assertIn(b"<Code>MalformedXML</Code>", body)
        self.assertIsNone(client().get_bucket_versioning(Bucket=bucket).get("Status"))
        s3.delete_bucket(Bucket=bucket)


if __name__ == "__main__":
    unittest.main(verbosity=2)
