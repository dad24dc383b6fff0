//! Reading JSON text into the model's types with less code in the phone's wasm.
//!
//! `serde_json::from_str` reads a struct from a map or from an array (`deserialize_struct`), so
//! every derived `Deserialize` in the wasm carries two readers: `visit_map` and a `visit_seq`
//! for the array form. Nothing of ours is ever written as an array (serde_json writes structs as
//! maps), so [`from_str`] reads through a thin wrapper around serde_json's deserializer that asks
//! for a map wherever a struct or a struct variant is read; the array readers are never called,
//! and the linker leaves them out (issue 20: the field wasm 498.1 -> 485.9 KiB brotli;
//! BENCHMARKS.md).
//! Everything else is handed to serde_json as it is, and so are its errors and their positions.
//!
//! The one difference: a struct written as a JSON array is refused ("invalid type: sequence,
//! expected struct ..."), which no JSON of ours is. Every JSON text the phone reads (the API's
//! answers, IndexedDB's records, drafts) goes through here: a type read both here and by
//! `serde_json::from_str` would have its reader in the wasm twice.

use std::fmt;

use serde::Deserialize;
use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// `serde_json::from_str`, with structs read as maps only (see the module's comment).
pub fn from_str<'a, T: Deserialize<'a>>(text: &'a str) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Json(&mut de))?;
    de.end()?;
    Ok(value)
}

/// A deserializer that reads structs as maps and wraps whatever it hands on.
struct Json<D>(D);

macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Json<D> {
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    /// The point of it all: a map, never the array form.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visitor whose nested deserializers and accesses are wrapped too.
struct Wrap<V>(V);

macro_rules! visit {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: serde::de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    visit! {
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64)
        visit_i128(i128) visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64)
        visit_u128(u128) visit_f32(f32) visit_f64(f64) visit_char(char) visit_str(&str)
        visit_borrowed_str(&'de str) visit_string(String) visit_bytes(&[u8])
        visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Json(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Json(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Access(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Access(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Access(data))
    }
}

/// A seed whose deserializer is wrapped.
struct Seed<T>(T);

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T::Value, D::Error> {
        self.0.deserialize(Json(deserializer))
    }
}

/// A struct variant's fields, read as a map (see [`Access::struct_variant`]).
struct MapOf<V>(V);

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for MapOf<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        deserializer.deserialize_map(Wrap(self.0))
    }
}

/// A sequence, map, enum or variant access whose elements are read through [`Json`].
struct Access<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Access<A> {
    type Error = A::Error;
    type Variant = Access<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        self.0
            .variant_seed(Seed(seed))
            .map(|(value, variant)| (value, Access(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Access<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    /// serde_json reads a struct variant's value as it reads a newtype variant's (the value
    /// after the variant's name), so the fields are read from there as a map.
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.newtype_variant_seed(MapOf(visitor))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::from_str;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Inner {
        n: u32,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Wrapped(Inner),
        Fields { a: i64, b: Option<Inner> },
        Pair(u8, String),
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Outer {
        name: String,
        inner: Option<Inner>,
        kinds: Vec<Kind>,
        id: uuid::Uuid,
        at: chrono::DateTime<chrono::Utc>,
        day: chrono::NaiveDate,
        extra: serde_json::Value,
    }

    fn sample() -> Outer {
        Outer {
            name: "工单 \"1\"\n".into(),
            inner: Some(Inner {
                n: 7,
                tags: vec!["a".into()],
            }),
            kinds: vec![
                Kind::Plain,
                Kind::Wrapped(Inner { n: 1, tags: vec![] }),
                Kind::Fields {
                    a: -3,
                    b: Some(Inner { n: 2, tags: vec![] }),
                },
                Kind::Fields { a: 0, b: None },
                Kind::Pair(9, "x".into()),
            ],
            id: uuid::Uuid::from_u128(42),
            at: "2026-12-07T01:02:03.5Z".parse().unwrap(),
            day: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            extra: serde_json::json!({"k": [1, 2.5, null, {"x": true}], "s": "t"}),
        }
    }

    #[test]
    fn reads_what_serde_json_writes_as_serde_json_reads_it() {
        let text = serde_json::to_string(&sample()).unwrap();
        let ours: Outer = from_str(&text).unwrap();
        assert_eq!(ours, sample());
        assert_eq!(ours, serde_json::from_str::<Outer>(&text).unwrap());
        // Unknown fields are skipped, defaults filled, as before.
        let inner: Inner = from_str(r#"{"zzz": [1, {"a": 2}], "n": 5}"#).unwrap();
        assert_eq!(inner, Inner { n: 5, tags: vec![] });
    }

    #[test]
    fn refuses_what_serde_json_refuses_with_the_same_message() {
        for bad in [
            r#"{"n": "5"}"#,
            r#"{"n": 5, "n": 6}"#,
            r#"{"tags": []}"#,
            r#"{"n": 5} x"#,
            r#"{"n": 5"#,
            r#""n""#,
            "",
        ] {
            let ours = from_str::<Inner>(bad).unwrap_err().to_string();
            let theirs = serde_json::from_str::<Inner>(bad).unwrap_err().to_string();
            assert_eq!(ours, theirs, "{bad}");
        }
        for bad in [
            r#"{"fields": {"b": null}}"#,
            r#"{"nope": {}}"#,
            r#"{"pair": [1]}"#,
            "3",
        ] {
            let ours = from_str::<Kind>(bad).unwrap_err().to_string();
            let theirs = serde_json::from_str::<Kind>(bad).unwrap_err().to_string();
            assert_eq!(ours, theirs, "{bad}");
        }
    }

    #[test]
    fn a_struct_written_as_an_array_is_refused() {
        // serde_json takes `[5, []]` for `Inner`; none of our JSON is written so.
        assert!(serde_json::from_str::<Inner>("[5, []]").is_ok());
        assert!(from_str::<Inner>("[5, []]").is_err());
        assert!(from_str::<Kind>(r#"{"fields": [1, null]}"#).is_err());
    }
}
