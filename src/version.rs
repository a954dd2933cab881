//! libvirt versions: what a rule depends on when libvirt changed its mind between releases.
//!
//! ```
//! use vifxml::version::LibvirtVersion;
//! let v: LibvirtVersion = "11.3".parse().unwrap();
//! assert_eq!(v, LibvirtVersion::new(11, 3));
//! assert_eq!("9.0.0".parse::<LibvirtVersion>().unwrap(), LibvirtVersion::V9_0);
//! assert!(LibvirtVersion::V9_0 < LibvirtVersion::V11_3);
//! assert_eq!(LibvirtVersion::from_number(11_003_000), LibvirtVersion::V11_3);
//! assert_eq!(v.to_string(), "11.3");
//! assert!("eleven".parse::<LibvirtVersion>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

/// A libvirt release, major and minor (libvirt changes behaviour in minor releases; the micro
/// number of a stable branch does not change what it accepts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LibvirtVersion {
    /// Major number (libvirt starts one each January).
    pub major: u16,
    /// Minor number (one a month).
    pub minor: u16,
}

impl LibvirtVersion {
    /// libvirt 9.0, Debian 12's.
    pub const V9_0: LibvirtVersion = LibvirtVersion::new(9, 0);
    /// libvirt 11.0: vlan tags on a plain Linux bridge.
    pub const V11_0: LibvirtVersion = LibvirtVersion::new(11, 0);
    /// libvirt 11.1: the passt backend on vhost-user interfaces.
    pub const V11_1: LibvirtVersion = LibvirtVersion::new(11, 1);
    /// libvirt 11.2: `<mac currentAddress>`.
    pub const V11_2: LibvirtVersion = LibvirtVersion::new(11, 2);
    /// libvirt 11.3, Debian 13's.
    pub const V11_3: LibvirtVersion = LibvirtVersion::new(11, 3);
    /// libvirt 11.8: `hostname` and `fqdn` on the passt backend.
    pub const V11_8: LibvirtVersion = LibvirtVersion::new(11, 8);
    /// The newest release whose changes the rule catalog knows: the default when no version is
    /// given and no connection says which it is.
    pub const NEWEST: LibvirtVersion = LibvirtVersion::V11_8;

    /// The version `major.minor`.
    pub const fn new(major: u16, minor: u16) -> Self {
        LibvirtVersion { major, minor }
    }

    /// From libvirt's own number, `major * 1 000 000 + minor * 1 000 + micro`
    /// (`virConnectGetLibVersion`).
    pub const fn from_number(n: u64) -> Self {
        let major = n / 1_000_000;
        let minor = (n / 1_000) % 1_000;
        LibvirtVersion {
            major: if major > u16::MAX as u64 {
                u16::MAX
            } else {
                major as u16
            },
            minor: minor as u16,
        }
    }
}

impl Default for LibvirtVersion {
    fn default() -> Self {
        LibvirtVersion::NEWEST
    }
}

impl fmt::Display for LibvirtVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A version that is not `MAJOR.MINOR` or `MAJOR.MINOR.MICRO`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError(String);

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "libvirt version '{}': expected MAJOR.MINOR or MAJOR.MINOR.MICRO, e.g. 9.0 or 11.3.0",
            self.0
        )
    }
}

impl std::error::Error for VersionError {}

impl FromStr for LibvirtVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || VersionError(s.chars().take(40).collect());
        let mut parts = s.split('.');
        let mut number = |required: bool| -> Result<Option<u16>, VersionError> {
            match parts.next() {
                None if !required => Ok(None),
                Some(p)
                    if !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    p.parse().map(Some).map_err(|_| bad())
                }
                _ => Err(bad()),
            }
        };
        let major = number(true)?.ok_or_else(bad)?;
        let minor = number(true)?.ok_or_else(bad)?;
        number(false)?;
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(LibvirtVersion { major, minor })
    }
}

impl serde::Serialize for LibvirtVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        for ok in ["9.0", "9.0.0", "11.3", "11.3.0", "0.10.2"] {
            assert!(ok.parse::<LibvirtVersion>().is_ok(), "{ok}");
        }
        for bad in [
            "", "9", "9.", ".0", "9.0.0.0", "v9.0", "9.x", "99999.0", "9.-1", " 9.0",
        ] {
            assert!(bad.parse::<LibvirtVersion>().is_err(), "{bad}");
        }
        assert_eq!(LibvirtVersion::from_number(9_000_000), LibvirtVersion::V9_0);
        assert!(LibvirtVersion::new(10, 10) < LibvirtVersion::V11_0);
        assert_eq!(LibvirtVersion::default(), LibvirtVersion::NEWEST);
    }
}
