//! A document without its handlers.

use std::collections::HashMap;
use std::marker::PhantomData;

use poem::endpoint::BoxEndpoint;
use poem::http::Method;
use poem_openapi::OpenApi;
use poem_openapi::registry::{MetaApi, Registry};

/// The document of the handlers `T`, without the handlers: poem-openapi
/// derives a document from types alone (`meta` and `register` take no
/// `self`), so the document can be printed and served without building the
/// services the handlers own. It adds no routes.
pub struct Described<T>(PhantomData<T>);

impl<T> Default for Described<T> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<T: OpenApi> OpenApi for Described<T> {
    fn meta() -> Vec<MetaApi> {
        T::meta()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }

    fn add_routes(self, _route_table: &mut HashMap<String, HashMap<Method, BoxEndpoint<'static>>>) {}
}
