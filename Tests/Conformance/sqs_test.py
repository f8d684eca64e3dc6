"""SQS through boto3 against iaasd's HTTP listener, in either of SQS's protocols.

With IAAS_SQS_PROTOCOL=json (the default), the JSON protocol current SDKs speak. With IAAS_SQS_PROTOCOL=query,
boto3 loads the SQS model of the last botocore that spoke the query protocol (scripts/conformance-env.sh puts
it in the venv's legacy-models) and speaks SQS as the SDKs of that age did: the same tests, another wire.

Run by Tests/DaemonTests (SQSConformanceTests), which starts iaasd with --http and sets IAAS_ENDPOINT,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION. Every test checks what came back, not
only that a call succeeded.
"""

import hashlib
import os
import sys
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid

PROTOCOL = os.environ.get("IAAS_SQS_PROTOCOL", "json")
if PROTOCOL == "query":
    os.environ["AWS_DATA_PATH"] = os.path.join(sys.prefix, "legacy-models")

import boto3  # noqa: E402 (AWS_DATA_PATH must be set first)
import botocore.exceptions
from botocore.config import Config

ENDPOINT = os.environ["IAAS_ENDPOINT"]


def client(**overrides):
    options = {
        "endpoint_url": ENDPOINT,
        "region_name": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"],
        "config": Config(retries={"max_attempts": 1}, read_timeout=30),
    }
    options.update(overrides)
    sqs = boto3.client("sqs", **options)
    assert sqs.meta.service_model.protocol == PROTOCOL, sqs.meta.service_model.protocol
    return sqs


def system_attributes(names):
    """ReceiveMessage's request for system attributes: the query protocol's SDKs had only AttributeNames."""
    return {"MessageSystemAttributeNames" if PROTOCOL == "json" else "AttributeNames": names}


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class QueueLifecycle(unittest.TestCase):
    def setUp(self):
        self.sqs = client()

    def test_create_describe_list_tag_delete(self):
        name = unique("life")
        url = self.sqs.create_queue(
            QueueName=name, Attributes={"VisibilityTimeout": "45"}, tags={"team": "blue"}
        )["QueueUrl"]
        self.assertEqual(url, f"{ENDPOINT}/000000000000/{name}")
        self.assertEqual(self.sqs.get_queue_url(QueueName=name)["QueueUrl"], url)
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attributes["VisibilityTimeout"], "45")
        self.assertTrue(attributes["QueueArn"].endswith(f":000000000000:{name}"))
        self.assertIn(url, self.sqs.list_queues(QueueNamePrefix=name)["QueueUrls"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"team": "blue"})
        self.sqs.tag_queue(QueueUrl=url, Tags={"env": "test"})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"env": "test"})
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "3"})
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"]
        self.assertEqual(attributes, {"DelaySeconds": "3"})
        self.sqs.delete_queue(QueueUrl=url)
        with self.assertRaises(self.sqs.exceptions.QueueDoesNotExist) as raised:
            self.sqs.get_queue_url(QueueName=name)
        self.assertEqual(raised.exception.response["Error"]["Code"], "AWS.SimpleQueueService.NonExistentQueue")
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_bad_names_and_attributes_are_refused_with_aws_codes(self):
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.sqs.create_queue(QueueName="no spaces allowed")
        self.assertEqual(raised.exception.response["Error"]["Code"], "InvalidParameterValue")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.sqs.create_queue(QueueName=unique("attr"), Attributes={"VisibilityTimeout": "99999"})
        self.assertEqual(raised.exception.response["Error"]["Code"], "InvalidAttributeValue")
        self.assertEqual(self.sqs.list_queues(QueueNamePrefix="no spaces").get("QueueUrls", []), [])


class Messages(unittest.TestCase):
    def setUp(self):
        self.sqs = client()
        self.url = self.sqs.create_queue(QueueName=unique("msg"))["QueueUrl"]

    def tearDown(self):
        self.sqs.delete_queue(QueueUrl=self.url)

    def test_send_receive_delete_with_attributes(self):
        body = "hello from boto3 ✓"
        sent = self.sqs.send_message(
            QueueUrl=self.url,
            MessageBody=body,
            MessageAttributes={
                "color": {"DataType": "String", "StringValue": "blue"},
                "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\x02"},
                "count": {"DataType": "Number", "StringValue": "42"},
            },
        )
        # boto3 checks MD5OfMessageBody and MD5OfMessageAttributes itself; check the body's here too.
        self.assertEqual(sent["MD5OfMessageBody"], hashlib.md5(body.encode()).hexdigest())
        received = self.sqs.receive_message(
            QueueUrl=self.url, MessageAttributeNames=["All"], **system_attributes(["All"]), WaitTimeSeconds=1
        )["Messages"]
        self.assertEqual(len(received), 1)
        message = received[0]
        self.assertEqual(message["MessageId"], sent["MessageId"])
        self.assertEqual(message["Body"], body)
        self.assertEqual(message["MessageAttributes"]["blob"]["BinaryValue"], b"\x00\x01\x02")
        self.assertEqual(message["MessageAttributes"]["count"]["StringValue"], "42")
        self.assertEqual(message["Attributes"]["ApproximateReceiveCount"], "1")
        self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=self.url))
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        self.assertEqual(attributes["ApproximateNumberOfMessages"], "0")
        self.assertEqual(attributes["ApproximateNumberOfMessagesNotVisible"], "0")

    def test_batches(self):
        entries = [{"Id": f"m{index}", "MessageBody": f"body {index}"} for index in range(10)]
        sent = self.sqs.send_message_batch(QueueUrl=self.url, Entries=entries)
        self.assertEqual(sorted(entry["Id"] for entry in sent["Successful"]), sorted(e["Id"] for e in entries))
        self.assertEqual(sent.get("Failed", []), [])
        bodies = set()
        handles = []
        for _ in range(10):
            batch = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
            bodies.update(message["Body"] for message in batch)
            handles += [message["ReceiptHandle"] for message in batch]
            if len(bodies) == 10:
                break
        self.assertEqual(bodies, {f"body {index}" for index in range(10)})
        # Nine good handles and a bad one: the batch succeeds for the nine and names the one.
        deleted = self.sqs.delete_message_batch(
            QueueUrl=self.url,
            Entries=[{"Id": f"d{index}", "ReceiptHandle": handle} for index, handle in enumerate(handles[:9])]
            + [{"Id": "bad", "ReceiptHandle": "not-a-handle"}],
        )
        self.assertEqual(len(deleted["Successful"]), 9)
        self.assertEqual([failure["Id"] for failure in deleted["Failed"]], ["bad"])
        self.assertEqual(deleted["Failed"][0]["Code"], "ReceiptHandleIsInvalid")
        self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=handles[9])
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=self.url))
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.sqs.send_message_batch(
                QueueUrl=self.url, Entries=[{"Id": "same", "MessageBody": "a"}, {"Id": "same", "MessageBody": "b"}]
            )
        self.assertEqual(raised.exception.response["Error"]["Code"], "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")
        self.assertIsInstance(raised.exception, self.sqs.exceptions.BatchEntryIdsNotDistinct)

    def test_visibility_timeout_hides_and_change_visibility_shows_again(self):
        self.sqs.send_message(QueueUrl=self.url, MessageBody="once")
        first = self.sqs.receive_message(QueueUrl=self.url, VisibilityTimeout=30)["Messages"][0]
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=self.url))
        self.sqs.change_message_visibility(
            QueueUrl=self.url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0
        )
        again = self.sqs.receive_message(
            QueueUrl=self.url, **system_attributes(["ApproximateReceiveCount"]), VisibilityTimeout=1
        )["Messages"][0]
        self.assertEqual(again["MessageId"], first["MessageId"])
        self.assertEqual(again["Attributes"]["ApproximateReceiveCount"], "2")
        time.sleep(1.5)
        third = self.sqs.receive_message(QueueUrl=self.url, WaitTimeSeconds=2)["Messages"][0]
        self.assertEqual(third["MessageId"], first["MessageId"])
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle="garbage")
        self.assertEqual(raised.exception.response["Error"]["Code"], "ReceiptHandleIsInvalid")

    def test_long_poll_returns_when_a_message_arrives(self):
        def send_later():
            time.sleep(1)
            client().send_message(QueueUrl=self.url, MessageBody="late")

        sender = threading.Thread(target=send_later)
        started = time.monotonic()
        sender.start()
        received = self.sqs.receive_message(QueueUrl=self.url, WaitTimeSeconds=10).get("Messages", [])
        elapsed = time.monotonic() - started
        sender.join()
        self.assertEqual([message["Body"] for message in received], ["late"])
        self.assertGreaterEqual(elapsed, 0.9)
        self.assertLess(elapsed, 9)

    def test_long_poll_on_an_empty_queue_waits_its_time(self):
        started = time.monotonic()
        received = self.sqs.receive_message(QueueUrl=self.url, WaitTimeSeconds=2)
        self.assertNotIn("Messages", received)
        self.assertGreaterEqual(time.monotonic() - started, 1.9)


class DeadLetterQueues(unittest.TestCase):
    def test_a_message_received_too_often_moves_to_the_dead_letter_queue(self):
        sqs = client()
        dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        source = sqs.create_queue(
            QueueName=unique("src"),
            Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"1"}}'},
        )["QueueUrl"]
        self.assertEqual(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"], [source])
        sqs.send_message(QueueUrl=source, MessageBody="poison")
        first = sqs.receive_message(QueueUrl=source, VisibilityTimeout=1)["Messages"][0]
        self.assertEqual(first["Body"], "poison")
        time.sleep(1.5)
        # The second receive finds it over maxReceiveCount: it goes to the DLQ instead of being delivered.
        self.assertNotIn("Messages", sqs.receive_message(QueueUrl=source))
        moved = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=2)["Messages"]
        self.assertEqual([message["Body"] for message in moved], ["poison"])
        self.assertEqual(moved[0]["MessageId"], first["MessageId"])
        sqs.delete_queue(QueueUrl=source)
        sqs.delete_queue(QueueUrl=dlq)


class Fifo(unittest.TestCase):
    def test_order_deduplication_and_sequence_numbers(self):
        sqs = client()
        url = sqs.create_queue(
            QueueName=unique("order") + ".fifo",
            Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        )["QueueUrl"]
        first = sqs.send_message(QueueUrl=url, MessageBody="one", MessageGroupId="g")
        duplicate = sqs.send_message(QueueUrl=url, MessageBody="one", MessageGroupId="g")
        self.assertEqual(duplicate["MessageId"], first["MessageId"])
        second = sqs.send_message(QueueUrl=url, MessageBody="two", MessageGroupId="g")
        self.assertGreater(int(second["SequenceNumber"]), int(first["SequenceNumber"]))
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual([message["Body"] for message in received], ["one", "two"])
        for message in received:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        self.assertNotIn("Messages", sqs.receive_message(QueueUrl=url))
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            sqs.send_message(QueueUrl=url, MessageBody="no group")
        self.assertEqual(raised.exception.response["Error"]["Code"], "MissingParameter")
        sqs.delete_queue(QueueUrl=url)


class JSONProtocol(unittest.TestCase if PROTOCOL == "json" else object):
    """What a client that is not boto3 may send: the endpoint answers in the JSON protocol's error shape."""

    def post(self, target, body, headers=None):
        request = urllib.request.Request(
            ENDPOINT + "/",
            data=body,
            headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def test_unsigned_requests_need_credentials_when_the_endpoint_has_them(self):
        status, headers, body = self.post("AmazonSQS.ListQueues", b"{}")
        self.assertEqual(status, 403)
        self.assertEqual(headers["x-amzn-query-error"], "MissingAuthenticationToken;Sender")
        self.assertIn(b"MissingAuthenticationToken", body)

    def test_wrong_secret_unknown_key_and_unknown_region_are_refused(self):
        cases = [
            ({"aws_secret_access_key": "wrong"}, "SignatureDoesNotMatch", 403),
            ({"aws_access_key_id": "AKIDUNKNOWN"}, "InvalidClientTokenId", 403),
            ({"region_name": "xx-nowhere-1"}, "InvalidClientTokenId", 403),
        ]
        for overrides, code, status in cases:
            with self.subTest(code=code, overrides=overrides):
                with self.assertRaises(botocore.exceptions.ClientError) as raised:
                    client(**overrides).list_queues()
                self.assertEqual(raised.exception.response["Error"]["Code"], code)
                self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)

    def test_unknown_actions_and_malformed_json_are_client_errors(self):
        sqs = client()
        # Signed by boto3, so the checks below reach the protocol, not the signature.
        url = sqs.create_queue(QueueName=unique("proto"))["QueueUrl"]
        sqs.meta.events.register(
            "before-sign.sqs.ListQueues",
            lambda request, **_: request.headers.replace_header("X-Amz-Target", "AmazonSQS.NoSuchAction"),
        )
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            sqs.list_queues()
        self.assertEqual(raised.exception.response["Error"]["Code"], "InvalidAction")
        malformed = client()
        malformed.meta.events.register(
            "before-sign.sqs.GetQueueUrl", lambda request, **_: setattr(request, "data", b'{"QueueName": ')
        )
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            malformed.get_queue_url(QueueName="x")
        self.assertEqual(raised.exception.response["Error"]["Code"], "InvalidParameterValue")
        self.assertEqual(sqs.get_queue_url(QueueName=url.rsplit("/", 1)[1])["QueueUrl"], url)
        sqs.delete_queue(QueueUrl=url)


class QueryProtocol(unittest.TestCase if PROTOCOL == "query" else object):
    """The query protocol's own ways: XML errors, unknown actions and parameters, and requests posted to the
    queue's URL, as old SDKs send them."""

    def test_unsigned_requests_get_the_query_protocols_xml_error(self):
        request = urllib.request.Request(
            ENDPOINT + "/",
            data=b"Action=ListQueues&Version=2012-11-05",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with self.assertRaises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(request)
        self.assertEqual(raised.exception.code, 403)
        body = raised.exception.read()
        self.assertIn(b"<ErrorResponse", body)
        self.assertIn(b"<Code>MissingAuthenticationToken</Code>", body)

    def test_unknown_actions_and_parameters_are_refused(self):
        def rewrite(change):
            def hook(request, **_):
                change(request.data)

            return hook

        sqs = client()
        sqs.meta.events.register("before-sign.sqs.ListQueues", rewrite(lambda data: data.update(Action="NoSuchAction")))
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            sqs.list_queues()
        self.assertEqual(raised.exception.response["Error"]["Code"], "InvalidAction")
        sqs = client()
        sqs.meta.events.register("before-sign.sqs.GetQueueUrl", rewrite(lambda data: data.update(Bogus="1")))
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            sqs.get_queue_url(QueueName="x")
        self.assertEqual(raised.exception.response["Error"]["Code"], "UnknownParameter")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            client().get_queue_url(QueueName=unique("absent"))
        self.assertEqual(raised.exception.response["Error"]["Code"], "AWS.SimpleQueueService.NonExistentQueue")

    def test_a_request_posted_to_the_queue_url_names_its_queue(self):
        sqs = client()
        url = sqs.create_queue(QueueName=unique("addressed"))["QueueUrl"]

        def to_queue_url(request, **_):
            request.url = url
            del request.data["QueueUrl"]

        addressed = client()
        addressed.meta.events.register("before-sign.sqs.SendMessage", to_queue_url)
        addressed.send_message(QueueUrl=url, MessageBody="by path")
        received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
        self.assertEqual([message["Body"] for message in received], ["by path"])
        sqs.delete_queue(QueueUrl=url)


if __name__ == "__main__":
    unittest.main(verbosity=2)
