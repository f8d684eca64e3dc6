import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An XML request document (S3's `Delete`, `CompleteMultipartUpload`, `Tagging`, …) as a tree of elements
/// and their text, parsed with libxml2 through Foundation. Attributes and namespaces are ignored, as S3
/// ignores them; external entities are never resolved.
struct XMLTree: Sendable, Equatable {
    var name: String
    var text: String
    var children: [XMLTree]

    /// The first child of that name.
    func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    /// Every child of that name, in order.
    func children(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }

    /// The trimmed text of the first child of that name.
    func value(_ name: String) -> String? {
        child(name).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Parses a document; nil when it is not well-formed XML or nests deeper than `maxDepth`.
    static func parse(_ bytes: [UInt8], maxDepth: Int = 32) -> XMLTree? {
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        let builder = Builder(maxDepth: maxDepth)
        parser.delegate = builder
        guard parser.parse(), !builder.failed, let root = builder.root else { return nil }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        let maxDepth: Int
        var stack: [XMLTree] = []
        var root: XMLTree?
        var failed = false

        init(maxDepth: Int) {
            self.maxDepth = maxDepth
        }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            guard stack.count < maxDepth, root == nil else {
                failed = true
                parser.abortParsing()
                return
            }
            // A prefixed name (`s3:Key`) is the same element.
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            stack.append(XMLTree(name: local, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            guard let finished = stack.popLast() else { return }
            if stack.isEmpty {
                root = finished
            } else {
                stack[stack.count - 1].children.append(finished)
            }
        }
    }
}
