//! Defining domains through libvirt (feature `libvirt`). The only module that links libvirt.
//!
//! ```no_run
//! # #[cfg(feature = "libvirt")] {
//! let conn = vifxml::libvirt::Connection::open(vifxml::libvirt::DEFAULT_URI).unwrap();
//! let xml = "<domain type='test'><name>demo</name><memory>1024</memory>\
//!            <os><type>hvm</type></os><devices/></domain>";
//! let defined = conn.define(xml).unwrap();
//! assert_eq!(defined.name, "demo");
//! # }
//! ```

use std::fmt;
use std::sync::Once;

use virt::connect::Connect;

/// The in-process test driver: no daemon, answers in milliseconds.
pub const DEFAULT_URI: &str = "test:///default";

/// An error reported by libvirt, with its own message, code and domain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LibvirtError {
    /// libvirt's error number (`virErrorNumber`).
    pub code: i64,
    /// Its name, e.g. `XmlError`, `ConfigUnsupported`.
    pub code_name: String,
    /// libvirt's error domain number (`virErrorDomain`).
    pub domain: i64,
    /// Its name, e.g. `Domain`, `Qemu`.
    pub domain_name: String,
    /// libvirt's message, as libvirt wrote it.
    pub message: String,
}

impl fmt::Display for LibvirtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "libvirt: {} (code {} {}, domain {} {})",
            self.message, self.code, self.code_name, self.domain, self.domain_name
        )
    }
}

impl std::error::Error for LibvirtError {}

fn enum_name<E: fmt::Debug, I: fmt::Display>(e: &virt::enumutil::Enum<E, I>) -> String {
    match e {
        virt::enumutil::Enum::Known(k) => format!("{k:?}"),
        virt::enumutil::Enum::Unknown(u) => format!("unknown-{u}"),
    }
}

fn enum_raw<E, I>(e: virt::enumutil::Enum<E, I>) -> i64
where
    E: virt::enumutil::RawEnum<I> + Copy + fmt::Debug + PartialEq,
    I: Into<i64> + Copy + fmt::Display,
{
    e.to_raw().into()
}

impl From<virt::error::Error> for LibvirtError {
    fn from(e: virt::error::Error) -> Self {
        LibvirtError {
            code: enum_raw(e.code()),
            code_name: enum_name(&e.code()),
            domain: enum_raw(e.domain()),
            domain_name: enum_name(&e.domain()),
            message: e.message().to_owned(),
        }
    }
}

static QUIET: Once = Once::new();
static EVENT_LOOP: Once = Once::new();

/// Registers libvirt's default event loop and runs it on a background thread, once per
/// process. Drivers that live in-process and talk to QEMU (`qemu:///embed`) and remote
/// connections (keepalive) need it; the test driver does not.
fn ensure_event_loop() -> Result<(), LibvirtError> {
    let mut result = Ok(());
    EVENT_LOOP.call_once(|| match virt::event::event_register_default_impl() {
        Ok(()) => {
            let spawned = std::thread::Builder::new()
                .name("libvirt-events".into())
                .spawn(|| loop {
                    if virt::event::event_run_default_impl().is_err() {
                        break;
                    }
                });
            if let Err(e) = spawned {
                result = Err(LibvirtError {
                    code: 0,
                    code_name: "Thread".into(),
                    domain: 0,
                    domain_name: "vifxml".into(),
                    message: format!("cannot start the libvirt event loop thread: {e}"),
                });
            }
        }
        Err(e) => result = Err(e.into()),
    });
    result
}

/// Stops libvirt from printing its errors on stderr; they come back as [`LibvirtError`].
pub fn quiet() {
    QUIET.call_once(virt::error::clear_error_callback);
}

/// A domain libvirt accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defined {
    /// The domain's name.
    pub name: String,
    /// The domain's UUID.
    pub uuid: String,
    /// What libvirt stored (`virsh dumpxml --inactive`).
    pub xml: String,
}

/// An open libvirt connection.
pub struct Connection {
    conn: Connect,
}

impl Connection {
    /// Opens `uri` (`test:///default`, `qemu:///system`, `qemu+ssh://host/system`,
    /// `qemu:///embed?root=DIR`, ...).
    pub fn open(uri: &str) -> Result<Self, LibvirtError> {
        quiet();
        if !uri.starts_with("test:") {
            ensure_event_loop()?;
        }
        let conn = Connect::open(Some(uri))?;
        Ok(Connection { conn })
    }

    /// Defines (or redefines) a domain, with libvirt's RelaxNG check on, and returns what
    /// libvirt stored.
    pub fn define(&self, xml: &str) -> Result<Defined, LibvirtError> {
        let dom = self
            .conn
            .define_domain_xml_flags(xml, virt::sys::VIR_DOMAIN_DEFINE_VALIDATE)?;
        let name = dom.name()?;
        let uuid = dom.uuid_string()?;
        let stored = dom.xml_desc(virt::sys::VIR_DOMAIN_XML_INACTIVE)?;
        Ok(Defined {
            name,
            uuid,
            xml: stored,
        })
    }

    /// Defines (or redefines) a domain the way `virsh define` does (no RelaxNG check) and
    /// returns its name, fetching nothing else: the cost of libvirt's own parse and define.
    pub fn define_only(&self, xml: &str) -> Result<String, LibvirtError> {
        let dom = self.conn.define_domain_xml(xml)?;
        Ok(dom.name()?)
    }

    /// Defines a domain and undefines it again: asks libvirt whether it accepts the document
    /// without leaving anything behind.
    pub fn check(&self, xml: &str) -> Result<Defined, LibvirtError> {
        let defined = self.define(xml)?;
        self.undefine(&defined.name)?;
        Ok(defined)
    }

    /// The version of the libvirt library this connection runs on (`virConnectGetLibVersion`),
    /// as `MAJOR.MINOR.MICRO`.
    pub fn lib_version(&self) -> Result<String, LibvirtError> {
        let n = u64::from(self.conn.lib_version()?);
        Ok(format!(
            "{}.{}.{}",
            n / 1_000_000,
            (n / 1_000) % 1_000,
            n % 1_000
        ))
    }

    /// The version of the libvirt library this connection runs on, as the rules see it: what
    /// `define` validates against by default.
    pub fn libvirt_version(&self) -> Result<crate::version::LibvirtVersion, LibvirtError> {
        let n = u64::from(self.conn.lib_version()?);
        Ok(crate::version::LibvirtVersion::from_number(n))
    }

    /// Starts the defined domain called `name` and stops it again (forcefully): asks libvirt
    /// and the hypervisor whether the guest starts.
    pub fn start_and_stop(&self, name: &str) -> Result<(), LibvirtError> {
        let dom = self.conn.lookup_domain_by_name(name)?;
        dom.create()?;
        dom.destroy()?;
        Ok(())
    }

    /// Undefines the domain called `name`.
    pub fn undefine(&self, name: &str) -> Result<(), LibvirtError> {
        let dom = self.conn.lookup_domain_by_name(name)?;
        dom.undefine()?;
        Ok(())
    }
}
