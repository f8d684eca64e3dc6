import API

/// The AWS errors of SQS actions, with AWS's codes.
enum SQSErrors {
    static func nonExistentQueue(_ what: String) -> CloudError {
        CloudError(
            code: "AWS.SimpleQueueService.NonExistentQueue",
            message: "The specified queue does not exist: \(what). Check the queue URL, or create the queue.")
    }

    static func invalidAttributeValue(_ message: String) -> CloudError {
        CloudError(code: "InvalidAttributeValue", message: message)
    }

    static func invalidAttributeName(_ name: String) -> CloudError {
        CloudError(code: "InvalidAttributeName", message: "Unknown Attribute \(name).")
    }

    static func unsupported(_ message: String) -> CloudError {
        CloudError(code: "AWS.SimpleQueueService.UnsupportedOperation", message: message)
    }

    static func receiptHandleIsInvalid(_ handle: String) -> CloudError {
        CloudError(
            code: "ReceiptHandleIsInvalid",
            message: "The input receipt handle \"\(shown(handle))\" is not a valid receipt handle.", status: 404)
    }

    /// ChangeMessageVisibility of a message that was deleted (AWS answers InvalidParameterValue).
    static func notAvailableForVisibilityChange(_ handle: String) -> CloudError {
        invalidParameterValue(
            "Value \(shown(handle)) for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change."
        )
    }

    static func queueAlreadyExists(_ name: String, attribute: String) -> CloudError {
        CloudError(
            code: "QueueAlreadyExists",
            message:
                "A queue already exists with the same name (\(name)) and a different value for attribute \(attribute).")
    }

    static func queueDeletedRecently() -> CloudError {
        CloudError(
            code: "AWS.SimpleQueueService.QueueDeletedRecently",
            message: "You must wait 60 seconds after deleting a queue before you can create another with the same name."
        )
    }

    static func purgeQueueInProgress(_ name: String) -> CloudError {
        CloudError(
            code: "AWS.SimpleQueueService.PurgeQueueInProgress",
            message: "Only one PurgeQueue operation on \(name) is allowed every 60 seconds.", status: 403)
    }

    static func overLimit(_ inFlight: Int) -> CloudError {
        CloudError(
            code: "OverLimit",
            message: "Too many messages in flight (\(inFlight)): delete or change the visibility of some first.",
            status: 403)
    }

    static func batch(_ code: String, _ message: String) -> CloudError {
        CloudError(code: "AWS.SimpleQueueService.\(code)", message: message)
    }

    private static func shown(_ handle: String) -> String {
        handle.count > 60 ? String(handle.prefix(60)) + "…" : handle
    }

    static func invalidMessageContents(_ message: String) -> CloudError {
        CloudError(code: "InvalidMessageContents", message: message)
    }

    static func unavailable(_ message: String) -> CloudError {
        CloudError(code: "AWS.SimpleQueueService.ServiceUnavailable", message: message, status: 503)
    }

    static func invalidParameterValue(_ message: String) -> CloudError {
        CloudError(code: "InvalidParameterValue", message: message)
    }
}
