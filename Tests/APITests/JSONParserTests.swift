import Testing

@testable import API

/// Parses UTF-8 text with the parser under test.
private func parse(_ text: String, maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONParser.Failure) -> JSONValue {
    try JSONParser.parse(Array(text.utf8), maxDepth: maxDepth)
}

/// The failure the parser reports for `text`, or nil when it accepts it.
private func failure(_ text: String, maxDepth: Int = JSONParser.defaultMaxDepth) -> JSONParser.Failure? {
    failure(bytes: Array(text.utf8), maxDepth: maxDepth)
}

private func failure(bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> JSONParser.Failure? {
    do {
        _ = try JSONParser.parse(bytes, maxDepth: maxDepth)
        return nil
    } catch {
        return error
    }
}

@Suite("JSONParser: valid documents")
struct JSONParserValidTests {
    @Test("integers stay integers, fractions and exponents become doubles")
    func numbers() throws {
        #expect(try parse("42") == .int(42))
        #expect(try parse("-7") == .int(-7))
        #expect(try parse("0") == .int(0))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("1.5") == .double(1.5))
        #expect(try parse("-0.25") == .double(-0.25))
        #expect(try parse("1e3") == .double(1000))
        #expect(try parse("1E+3") == .double(1000))
        #expect(try parse("25e-2") == .double(0.25))
        #expect(try parse("0.0") == .double(0))
    }

    @Test("integers at the edge of Int stay exact; beyond it they become doubles")
    func integerRange() throws {
        #expect(try parse("9223372036854775807") == .int(Int.max))
        #expect(try parse("-9223372036854775808") == .int(Int.min))
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808.0))
        #expect(try parse("123456789012345678901234567890") == .double(123456789012345678901234567890.0))
    }

    @Test("numbers too large for a Double are rejected")
    func numberOutOfRange() {
        #expect(failure("1e400")?.message == "number out of range")
        #expect(failure("-1e400")?.message == "number out of range")
    }

    @Test("literals")
    func literals() throws {
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("null") == .null)
    }

    @Test("simple escapes")
    func simpleEscapes() throws {
        #expect(try parse(#""a\"b\\c\/d\be\ff\ng\rh\ti""#) == .string("a\"b\\c/d\u{08}e\u{0C}f\ng\rh\ti"))
        #expect(try parse(#""""#) == .string(""))
    }

    @Test("\\u escapes, including surrogate pairs")
    func unicodeEscapes() throws {
        #expect(try parse(#""\u00e9""#) == .string("é"))
        #expect(try parse(#""\u00E9\u4e2D""#) == .string("é中"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""x\uD834\uDD1Ey""#) == .string("x𝄞y"))
    }

    @Test("raw UTF-8 in strings passes through, with and without escapes around it")
    func rawUTF8() throws {
        #expect(try parse("\"héllo 😀\"") == .string("héllo 😀"))
        #expect(try parse("\"héllo\\n😀\"") == .string("héllo\n😀"))
    }

    @Test("nested objects and arrays with whitespace")
    func nested() throws {
        let text = " \r\n\t{ \"a\" : [ 1 , { \"b\" : null } , [ ] ] , \"c\" : true , \"d\" : { } , \"e\" : \"s\" } \n"
        let expected: JSONValue = [
            "a": [1, ["b": nil], []],
            "c": true,
            "d": .object([:]),
            "e": "s",
        ]
        #expect(try parse(text) == expected)
    }

    @Test("a repeated key keeps its last value")
    func duplicateKeys() throws {
        #expect(try parse(#"{"a":1,"a":2}"#) == ["a": 2])
    }

    @Test("accessors")
    func accessors() throws {
        let value = try parse(#"{"s":"x","i":3,"d":1.5}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.intValue == 3)
        #expect(value["d"]?.intValue == nil)
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([])["s"] == nil)
        #expect(value.typeName == "object")
        #expect(value["d"]?.typeName == "number")
    }
}

@Suite("JSONParser: invalid documents")
struct JSONParserInvalidTests {
    @Test("empty input")
    func empty() {
        #expect(failure("")?.message == "unexpected end of input")
        #expect(failure("   \n")?.message == "unexpected end of input")
    }

    @Test("trailing data after a whole value is rejected at its offset")
    func trailingGarbage() {
        let error = failure("[1,2] x")
        #expect(error?.message == "unexpected data after the JSON value")
        #expect(error?.offset == 6)
        #expect(failure(#"{"a":1}}"#) != nil)
        #expect(failure("1 2") != nil)
        #expect(failure("true false") != nil)
    }

    @Test("leading zeros: \"0\" is read, then the next digit is trailing data")
    func leadingZeros() {
        let error = failure("01")
        #expect(error?.message == "unexpected data after the JSON value")
        #expect(error?.offset == 1)
        #expect(failure("-01") != nil)
        #expect(failure("[00]")?.message == "expected ',' or ']' in an array")
        #expect(failure(#"{"a":012}"#)?.message == "expected ',' or '}' in an object")
    }

    @Test("malformed numbers", arguments: ["-", "1.", "1.e5", "1e", "1e+", "-x", "--1"])
    func badNumbers(text: String) {
        #expect(failure(text)?.message == "invalid number")
    }

    @Test("values that do not start like JSON", arguments: [".5", "+1", "'a'", "undefined", "NaN", "}", "]"])
    func badStart(text: String) {
        #expect(failure(text)?.message.hasPrefix("unexpected character") == true)
    }

    @Test("unterminated strings")
    func unterminatedString() {
        #expect(failure(#""abc"#)?.message == "unterminated string")
        #expect(failure(#""ab\ncd"#)?.message == "unterminated string")
        #expect(failure(#""abc\"#)?.message == "unterminated escape")
    }

    @Test("raw control characters in strings are rejected on both the fast and the escape path")
    func controlCharacters() {
        #expect(failure("\"a\nb\"")?.message == "control character in a string")
        #expect(failure("\"a\tb\"")?.message == "control character in a string")
        #expect(failure("\"a\u{01}b\"")?.message == "control character in a string")
        #expect(failure("\"\\n a\u{1F}b\"")?.message == "control character in a string")
    }

    @Test("bad literals")
    func badLiterals() {
        #expect(failure("trve")?.message == "invalid literal")
        #expect(failure("nul")?.message == "unexpected end of input")
        #expect(failure("fals")?.message == "unexpected end of input")
        #expect(failure("nulL")?.message == "invalid literal")
        #expect(failure("True")?.message.hasPrefix("unexpected character") == true)
    }

    @Test("bad escapes")
    func badEscapes() {
        #expect(failure(#""\x""#)?.message == "invalid escape character")
        #expect(failure(#""\u12zz""#)?.message == "invalid unicode escape")
        #expect(failure(#""\u12""#)?.message == "truncated unicode escape")
        #expect(failure(#""\u1""#)?.message == "truncated unicode escape")
        #expect(failure(#""\u12G4""#)?.message == "invalid unicode escape")
    }

    @Test("unpaired surrogates")
    func unpairedSurrogates() {
        #expect(failure(#""\ud83d""#)?.message == "unpaired surrogate in a string")
        #expect(failure(#""\ud83dx""#)?.message == "unpaired surrogate in a string")
        #expect(failure(#""\ud83d\u0041""#)?.message == "unpaired surrogate in a string")
        #expect(failure(#""\ude00""#)?.message == "unpaired surrogate in a string")
        #expect(failure(#""\ud83d\ud83d""#)?.message == "unpaired surrogate in a string")
    }

    @Test("invalid UTF-8 inside a string")
    func invalidUTF8() {
        #expect(failure(bytes: [0x22, 0xFF, 0x22])?.message == "string is not valid UTF-8")
        #expect(failure(bytes: [0x22, 0xC3, 0x22])?.message == "string is not valid UTF-8")
        #expect(failure(bytes: [0x22, 0x5C, 0x6E, 0xFF, 0x22])?.message == "string is not valid UTF-8")
    }

    @Test("broken structure")
    func structure() {
        #expect(failure("[1,]")?.message.hasPrefix("unexpected character") == true)
        #expect(failure("[1 2]")?.message == "expected ',' or ']' in an array")
        #expect(failure("[1")?.message == "expected ',' or ']' in an array")
        #expect(failure(#"{"a" 1}"#)?.message == "expected ':' after an object key")
        #expect(failure("{1:2}")?.message == "expected a string key")
        #expect(failure(#"{"a":1,}"#)?.message == "expected a string key")
        #expect(failure(#"{"a":1"#)?.message == "expected ',' or '}' in an object")
        #expect(failure(#"{"a":}"#)?.message.hasPrefix("unexpected character") == true)
    }
}

@Suite("JSONParser: nesting limit")
struct JSONParserDepthTests {
    private func nestedArrays(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    private func nestedObjects(_ depth: Int) -> String {
        String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
    }

    @Test("exactly maxDepth levels pass; one more fails")
    func defaultLimit() throws {
        let limit = JSONParser.defaultMaxDepth
        #expect(limit == 64)
        _ = try parse(nestedArrays(limit))
        _ = try parse(nestedObjects(limit))
        #expect(failure(nestedArrays(limit + 1))?.message == "nesting deeper than 64 levels")
        #expect(failure(nestedObjects(limit + 1))?.message == "nesting deeper than 64 levels")
    }

    @Test("a custom limit, with mixed arrays and objects")
    func customLimit() throws {
        #expect(try parse(#"[{"a":[1]}]"#, maxDepth: 3) == [["a": [1]]])
        #expect(failure(#"[{"a":[[1]]}]"#, maxDepth: 3) != nil)
        #expect(try parse("7", maxDepth: 0) == .int(7))
        #expect(failure("[]", maxDepth: 0) != nil)
    }

    @Test("hostile nesting far beyond the limit fails without crashing")
    func hostileNesting() {
        #expect(failure(String(repeating: "[", count: 100_000)) != nil)
    }
}

@Suite("JSONValue serialization")
struct JSONSerializationTests {
    static let samples: [JSONValue] = [
        .null, true, false, 0, -1, .int(Int.max), .int(Int.min), .double(1.5), .double(-0.25), .double(1e300),
        .double(.leastNonzeroMagnitude), .double(1e16), .double(3), .double(0.1), "", "plain",
        .string("quote \" backslash \\ slash / newline \n return \r tab \t"),
        .string("controls \u{0} \u{1} \u{8} \u{C} \u{1F} del \u{7F}"),
        .string("unicode é 中 😀 𝄞"), [], .object([:]),
        ["nested": [1, .double(2.5), ["deep": [nil, true, "x"]]], "empty": [], "Key With Space": "v"],
    ]

    @Test("serialized text parses back to the same value", arguments: JSONSerializationTests.samples)
    func roundTrip(value: JSONValue) throws {
        let text = value.serialized
        #expect(try JSONParser.parse(text) == value)
    }

    @Test("numbers keep their kind through a round trip")
    func numberKinds() throws {
        #expect(try JSONParser.parse(JSONValue.double(3).serialized) == .double(3))
        #expect(try JSONParser.parse(JSONValue.int(3).serialized) == .int(3))
    }

    @Test("objects serialize with sorted keys and no whitespace")
    func canonicalForm() {
        let value: JSONValue = ["b": 1, "a": [true, nil], "c": ["z": "x", "y": 2]]
        #expect(String(decoding: value.serialized, as: UTF8.self) == #"{"a":[true,null],"b":1,"c":{"y":2,"z":"x"}}"#)
    }

    @Test("control characters are escaped, never written raw")
    func escaping() {
        let text = String(decoding: JSONValue.string("a\u{1}b\nc\"d\\").serialized, as: UTF8.self)
        #expect(text == #""a\u0001b\nc\"d\\""#)
        #expect(!JSONValue.string("\u{0}\u{1F}").serialized.contains { $0 < 0x20 })
    }
}
