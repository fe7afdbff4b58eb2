//! The end of a model build: each `Def` built whole, once. The walk leaves one `Slot` per type;
//! here, with every type name known, input structs get their builders' setters and state names
//! (a type parameter must not shadow a type the expansion names), large values are boxed
//! (`sizes`), output types whose every required value has one get a `Default` (`defaults`),
//! and the operations' own types are marked as roots.

use super::ir::*;
use super::state::{Content, Draft, Slot};
use crate::naming::{self, Namespace};
use std::collections::HashSet;

/// The model's types, from the walk's slots. `type_names` holds every name the expansion's
/// types and builders took.
pub(super) fn finish(
    slots: Vec<Slot>,
    operations: &[OperationModel],
    type_names: &Namespace,
) -> Vec<Def> {
    let roots: HashSet<usize> = operations
        .iter()
        .flat_map(|op| [op.input, op.output])
        .collect();
    let mut heads = Vec::with_capacity(slots.len());
    let mut kinds = Vec::with_capacity(slots.len());
    for slot in slots {
        let (docs, kind) = match slot.content {
            Some(Content { docs, draft }) => (docs, kind(draft, type_names)),
            // Only a walk that went over its budget leaves a slot empty, and such a build
            // fails before it finishes.
            None => (Docs::default(), DefKind::Alias(Ty::Value)),
        };
        heads.push((slot.name, slot.role, slot.pointer, slot.operation, docs));
        kinds.push(kind);
    }
    super::sizes::box_large_values(&mut kinds);
    let roles: Vec<Role> = heads.iter().map(|head| head.1).collect();
    let defaults = super::defaults::defaults(&kinds, &roles);
    heads
        .into_iter()
        .zip(kinds)
        .zip(defaults)
        .enumerate()
        .map(
            |(index, (((name, role, pointer, operation, docs), kind), has_default))| Def {
                name,
                role,
                docs,
                kind,
                operation,
                root: roots.contains(&index),
                pointer,
                has_default,
            },
        )
        .collect()
}

fn kind(draft: Draft, type_names: &Namespace) -> DefKind {
    match draft {
        Draft::Kind(kind) => kind,
        Draft::InputStruct {
            body,
            builder,
            state_module,
        } => {
            let setters = setters(&body, type_names);
            DefKind::InputStruct {
                body,
                builder: Builder {
                    name: builder,
                    state_module,
                    setters,
                },
            }
        }
    }
}

/// Names an input struct's setters and the type parameters tracking its required inputs.
fn setters(body: &StructBody, type_names: &Namespace) -> Vec<Setter> {
    let StructBody {
        fields,
        additional,
        extra,
        ..
    } = body;
    // What the builder has besides the properties' setters: `build`, the `maybe_` setters,
    // the catch-alls' setters and fields. A property must not shadow them.
    let mut methods: HashSet<String> = HashSet::from([BUILD.to_owned()]);
    methods.extend(
        fields
            .iter()
            .filter(|f| f.presence != Presence::Required)
            .map(maybe_setter),
    );
    if let Some(additional) = additional {
        methods.insert(INSERT_ADDITIONAL.to_owned());
        methods.insert(additional.rust.clone());
    }
    methods.extend(extra.iter().cloned());
    // A property keeps its name as its setter unless that shadows one of those; then it
    // takes the first free escaped form, which no other property's setter has.
    let mut taken: HashSet<String> = fields
        .iter()
        .map(|f| f.rust.clone())
        .filter(|name| !methods.contains(name))
        .collect();
    let mut params_taken = HashSet::new();
    let mut named = Vec::with_capacity(fields.len());
    for field in fields {
        let setter = if methods.contains(&field.rust) {
            let setter = naming::free_name(&field.rust, naming::Suffix::EscapedSnake, |name| {
                methods.contains(name) || taken.contains(name)
            });
            taken.insert(setter.clone());
            setter
        } else {
            field.rust.clone()
        };
        let param = field
            .presence
            .is_required()
            .then(|| naming::type_param(&field.rust, type_names, &mut params_taken));
        named.push((setter, param));
    }
    // The "not set yet" traits once every parameter is named, so none takes another's name.
    fields
        .iter()
        .zip(named)
        .map(|(field, (name, param))| {
            let kind = match param {
                Some(param) => {
                    let unset =
                        naming::free_name(&format!("{param}Unset"), naming::Suffix::Pascal, |n| {
                            params_taken.contains(n) || type_names.contains(n)
                        });
                    params_taken.insert(unset.clone());
                    SetterKind::Required {
                        state: RequiredState { param, unset },
                        maybe: (field.presence != Presence::Required).then(|| maybe_setter(field)),
                    }
                }
                None => SetterKind::Optional {
                    maybe: maybe_setter(field),
                },
            };
            Setter { name, kind }
        })
        .collect()
}

/// The setter taking an `Option`: `maybe_{field}`.
fn maybe_setter(field: &Field) -> String {
    format!("maybe_{}", field.rust)
}
