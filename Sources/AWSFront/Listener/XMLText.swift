/// XML character escaping for the error and result documents of S3 and the query protocols.
enum XMLText {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            // XML parsers turn a raw CR (and CRLF) into LF: a message body must come back byte for byte,
            // or its MD5 no longer matches.
            case "\r": escaped += "&#xD;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// `<Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId></Error>`, as S3 answers a fault.
    static func s3Error(_ error: CloudErrorParts, requestID: String) -> [UInt8] {
        Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>\(escape(error.code))</Code><Message>\(escape(error.message))</Message>\
            <RequestId>\(requestID)</RequestId></Error>
            """.utf8)
    }
}

/// The two parts of an error every XML dialect carries.
struct CloudErrorParts {
    var code: String
    var message: String
}
