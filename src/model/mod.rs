//! The typed model: no XML names beyond what the docs show, no I/O.

#[cfg(feature = "arbitrary")]
mod arb;
mod build;
pub mod extras;
pub mod ids;
pub mod interface;
pub mod kind;
pub mod strict;
pub mod virtualport;

pub use extras::{ExtraAttribute, ExtraNode, Extras, RawXml, XmlName};
pub use interface::{
    Backend, Bandwidth, Coalesce, DeviceAddress, Driver, FilterParameter, FilterRef, GuestDevice,
    GuestOffloads, GuestPciAddress, HostOffloads, Interface, LinkState, MacType, NativeMode, Rate,
    Rom, Target, Teaming, TeamingType, Vlan, VlanTagSpec,
};
pub use kind::InterfaceKind;
pub use virtualport::VirtualPort;

/// The schema of `T` with every sub-schema inlined (no `$ref`), for building composite schemas
/// by hand.
pub(crate) fn schema_inline<T: schemars::JsonSchema>(
    generator: &mut schemars::SchemaGenerator,
) -> schemars::Schema {
    let mut settings = generator.settings().clone();
    settings.inline_subschemas = true;
    let mut schema = settings.into_generator().into_root_schema_for::<T>();
    if let Some(o) = schema.as_object_mut() {
        o.remove("$schema");
        o.remove("title");
    }
    schema
}
