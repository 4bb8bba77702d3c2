//! The normalisation table: input, type, stored value; and refusals.

use super::*;

#[test]
fn each_type_has_one_canonical_form() {
    use ObservableType as T;
    for (kind, raw, stored) in [
        (T::Ipv4, " 192.0.2.1 ", "192.0.2.1"),
        (T::Ipv6, "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        (T::Ipv6, "[2001:db8::1]", "2001:db8::1"),
        (T::Ipv6, "::FFFF:192.0.2.1", "::ffff:192.0.2.1"),
        (T::Cidr, "10.1.2.3/8", "10.0.0.0/8"),
        (T::Cidr, "2001:DB8::1/32", "2001:db8::/32"),
        (T::Domain, "Example.COM.", "example.com"),
        (T::Domain, "bücher.example", "xn--bcher-kva.example"),
        (T::Domain, "_dmarc.example.com", "_dmarc.example.com"),
        (T::Hostname, "MAIL01.Corp.Example", "mail01.corp.example"),
        (T::Url, "HTTP://Example.COM:80/a?b=c", "http://example.com/a?b=c"),
        (T::Url, "https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        (T::Email, "Alice.Smith@Example.COM", "Alice.Smith@example.com"),
        (T::Md5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
        (T::Sha1, &"A".repeat(40), &"a".repeat(40)),
        (T::Sha256, &"0F".repeat(32), &"0f".repeat(32)),
        (T::Sha512, &"e".repeat(128), &"e".repeat(128)),
        (T::FileName, " invoice.pdf.exe ", "invoice.pdf.exe"),
        (T::FilePath, "C:\\Users\\Public\\a.exe", "C:\\Users\\Public\\a.exe"),
        (T::RegistryKey, "hklm\\Software\\Run\\", "HKEY_LOCAL_MACHINE\\Software\\Run"),
        (T::RegistryKey, "HKEY_CURRENT_USER", "HKEY_CURRENT_USER"),
        (T::UserAgent, "Mozilla/5.0 (X11)", "Mozilla/5.0 (X11)"),
        (T::Asn, "as13335", "AS13335"),
        (T::Asn, "13335", "AS13335"),
        (T::Mac, "AA-BB-CC-DD-EE-FF", "aa:bb:cc:dd:ee:ff"),
        (T::Mac, "aabb.ccdd.eeff", "aa:bb:cc:dd:ee:ff"),
        (T::Mac, "AABBCCDDEEFF", "aa:bb:cc:dd:ee:ff"),
        (T::Port, "192.0.2.1:443", "192.0.2.1:443"),
        (T::Port, "[2001:DB8::1]:8443", "[2001:db8::1]:8443"),
        (T::Port, "Mail.Example.com:25", "mail.example.com:25"),
        (T::Other, "  anything at all ", "anything at all"),
    ] {
        assert_eq!(normalise(kind, raw).map(|n| n.value), Ok(stored.to_owned()), "{kind:?} {raw:?}");
    }
}

#[test]
fn an_ipv4_mapped_address_is_noted() {
    let mapped = normalise(ObservableType::Ipv6, "::ffff:192.0.2.1").expect("valid");
    assert_eq!(mapped.note.as_deref(), Some("IPv4-mapped address of 192.0.2.1"));
    assert_eq!(normalise(ObservableType::Ipv6, "2001:db8::1").expect("valid").note, None);
    assert_eq!(note_on(ObservableType::Ipv6, &mapped.value), mapped.note, "a read notes what an add noted");
    assert_eq!(note_on(ObservableType::Ipv4, "192.0.2.1"), None);
}

#[test]
fn values_that_do_not_fit_their_type_are_refused() {
    use ObservableType as T;
    for (kind, raw) in [
        (T::Ipv4, "256.1.1.1"),
        (T::Ipv4, "01.2.3.4"),
        (T::Ipv4, "2001:db8::1"),
        (T::Ipv6, "192.0.2.1"),
        (T::Cidr, "192.0.2.1"),
        (T::Cidr, "192.0.2.0/33"),
        (T::Domain, "192.0.2.1"),
        (T::Domain, "-bad.example"),
        (T::Domain, "a..b"),
        (T::Domain, &format!("{}.com", "a".repeat(64))),
        (T::Url, "/relative/path"),
        (T::Url, "example.com"),
        (T::Email, "no-at-sign"),
        (T::Email, "a@-bad-"),
        (T::Md5, "xyz"),
        (T::Sha256, &"g".repeat(64)),
        (T::Sha1, &"a".repeat(41)),
        (T::FileName, "dir/file.txt"),
        (T::RegistryKey, "Software\\Run"),
        (T::Asn, "AS-1"),
        (T::Asn, "AS4294967296"),
        (T::Mac, "aa:bb:cc:dd:ee"),
        (T::Mac, "gg:bb:cc:dd:ee:ff"),
        (T::Port, "192.0.2.1"),
        (T::Port, "192.0.2.1:0"),
        (T::Port, "192.0.2.1:65536"),
        (T::Port, "2001:db8::1:80"),
        (T::Other, "   "),
        (T::Other, "bell\u{7}"),
        (T::UserAgent, &"u".repeat(1025)),
        (T::Other, &"o".repeat(4097)),
    ] {
        assert!(normalise(kind, raw).is_err(), "{kind:?} {raw:?} was accepted");
    }
}
