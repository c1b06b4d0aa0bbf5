import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskDevices
import KioskService
import Testing

@testable import KioskWeb

@Suite struct CounterScreenTests {
    /// The counter screens show who serves there, as one-stop counters display their receiving
    /// officer: the name from the accounts, the photo from `[display] photos`.
    @Test func theCounterScreenNamesTheOfficerAndShowsTheirPhoto() async throws {
        let photos = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-photos-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: photos, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: photos) }
        var picture = MonoBitmap(width: 8, height: 8)
        picture[3, 3] = true
        let png = PNGWriter.png(picture)
        try png.write(to: URL(fileURLWithPath: "\(photos)/an.png"))
        let centre = try await WebTestCentre(extraConfig: "[display]\nphotos = \"\(photos)\"")
        defer { centre.remove() }
        let router = centre.daemon.router
        try await centre.application.test(.router) { client in
            func counters() async throws -> [DisplaySnapshot.Counter] {
                let response = try await client.execute(uri: "/api/queue", method: .get)
                return try JSONDecoder.iso8601.decode(DisplaySnapshot.self, from: Data(buffer: response.body)).counters
            }
            #expect(try await counters().allSatisfy { $0.officer == nil && $0.photo == nil }, "nobody signed in yet")
            #expect(try await client.execute(uri: "/display/counter/1/photo", method: .get).status == .notFound)

            try await router.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("an")))
            try await router.perform(.signIn(counter: CounterNumber(2), officer: OfficerID("bo")))
            let seated = try await counters()
            #expect(seated.first { $0.number == 1 }?.officer == "Nguyễn Văn An")
            #expect(seated.first { $0.number == 2 }?.officer == "Trần Thị Bơ")
            let photoURL = try #require(seated.first { $0.number == 1 }?.photo)
            #expect(photoURL.hasPrefix("/display/counter/1/photo?v=") && !photoURL.contains("an"), "no account name in a public URL")
            #expect(seated.first { $0.number == 2 }?.photo == nil, "bo has no photo in the folder")
            let photo = try await client.execute(uri: photoURL, method: .get)
            #expect(photo.status == .ok)
            #expect(photo.headers[.contentType] == "image/png")
            #expect(Data(buffer: photo.body) == png)
            #expect(try await client.execute(uri: "/display/counter/2/photo", method: .get).status == .notFound)

            let page = try await client.execute(uri: "/display/counter/1", method: .get)
            #expect(String(buffer: page.body).contains("Nguyễn Văn An"), "the page starts with the officer's name in its state")

            // Someone else at counter 1: another name, another photo address (the screen reloads it).
            try await router.perform(.signOut(counter: CounterNumber(1)))
            #expect(try await counters().first { $0.number == 1 }?.officer == nil)
            try await router.perform(.signOut(counter: CounterNumber(2)))
            try await router.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("bo")))
            let after = try await counters().first { $0.number == 1 }
            #expect(after?.officer == "Trần Thị Bơ" && after?.photo == nil)
        }
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
