//! Actions and functions: how their answers are decoded, and the calls.

use super::*;

/// How the answer of an action or function becomes its result.
pub trait Decode<Output>: Send + 'static {
    /// What the body is read as.
    type Wire: serde::de::DeserializeOwned + Send;
    /// The result from the body (`None`: 204 No Content).
    fn decode(wire: Option<Self::Wire>, operation: &'static str) -> Result<Output>;
}

/// No result: the body, if any, is ignored.
pub struct NoResult;

impl Decode<()> for NoResult {
    type Wire = serde::de::IgnoredAny;
    fn decode(_: Option<Self::Wire>, _: &'static str) -> Result<()> {
        Ok(())
    }
}

/// An entity or complex result: the body is the value.
pub struct AsBody;

impl<T: serde::de::DeserializeOwned + Send + 'static> Decode<T> for AsBody {
    type Wire = T;
    fn decode(wire: Option<T>, operation: &'static str) -> Result<T> {
        wire.ok_or_else(|| no_content(operation))
    }
}

/// A primitive or collection result: the body is `{"value": ...}`.
pub struct InValue;

impl<T: serde::de::DeserializeOwned + Send + 'static> Decode<T> for InValue {
    type Wire = ValueOf<T>;
    fn decode(wire: Option<Self::Wire>, operation: &'static str) -> Result<T> {
        wire.map(|v| v.0).ok_or_else(|| no_content(operation))
    }
}

/// The body of an action without parameters: `{}`.
#[derive(Debug, Clone, Copy)]
pub struct NoParameters;

impl serde::Serialize for NoParameters {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> core::result::Result<S::Ok, S::Error> {
        serde::ser::SerializeMap::end(serializer.serialize_map(Some(0))?)
    }
}

/// `POST .../Name` with the parameters as the JSON body.
pub struct CallAction<'a, B: ?Sized, Output, D> {
    pub(crate) path: EntityPath,
    pub(crate) name: &'static str,
    pub(crate) parameters: &'a B,
    pub(super) _result: PhantomData<fn() -> (Output, D)>,
}

impl<'a, B: ?Sized, Output, D> CallAction<'a, B, Output, D> {
    /// Calls the action at `path` (`Name` unbound, `entity/Namespace.Name` bound) with
    /// `parameters` (used by generated code; `name` is the qualified name for errors).
    pub fn new(path: EntityPath, name: &'static str, parameters: &'a B) -> Self {
        CallAction {
            path,
            name,
            parameters,
            _result: PhantomData,
        }
    }
}

impl<'a, B, Output, D> Operation<'a> for CallAction<'a, B, Output, D>
where
    B: serde::Serialize + Sync + ?Sized + 'a,
    Output: Send + 'a,
    D: Decode<Output>,
{
    type Output = Output;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Output>> {
        Box::pin(async move {
            let wire = client
                .invoke_action::<B, D::Wire>(&self.path, self.parameters, &options)
                .await?;
            D::decode(wire, self.name)
        })
    }
}

/// `GET .../Name(P=@p1)?@p1=...`: a function, its parameters as aliased URL literals.
pub struct CallFunction<Output, D> {
    pub(super) base: EntityPath,
    pub(super) name: &'static str,
    pub(super) parameters: Result<Vec<(&'static str, Literal)>>,
    pub(super) _result: PhantomData<fn() -> (Output, D)>,
}

impl<Output, D> CallFunction<Output, D> {
    /// Calls the function `name` (import name unbound, qualified name bound) on `base` with
    /// `parameters` (used by generated code).
    pub fn new(
        base: EntityPath,
        name: &'static str,
        parameters: Result<Vec<(&'static str, Literal)>>,
    ) -> Self {
        CallFunction {
            base,
            name,
            parameters,
            _result: PhantomData,
        }
    }
}

impl<'a, Output, D> Operation<'a> for CallFunction<Output, D>
where
    Output: Send + 'a,
    D: Decode<Output>,
{
    type Output = Output;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Output>> {
        Box::pin(async move {
            let parameters = self.parameters?;
            let wire = client
                .invoke_function::<D::Wire>(&self.base, self.name, &parameters, &options)
                .await?;
            D::decode(Some(wire), self.name)
        })
    }
}

/// The `{"value": ...}` wrapper of primitive and collection results.
#[derive(Debug, Clone)]
pub struct ValueOf<T>(pub T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for ValueOf<T> {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Wrapper<T> {
            value: T,
        }
        Wrapper::<T>::deserialize(deserializer).map(|w| ValueOf(w.value))
    }
}

/// The error for an operation that declares a result but answered 204 No Content.
pub fn no_content(operation: &str) -> Error {
    Error::Protocol {
        status: 204,
        message: format!("{operation} declares a result but the service returned none"),
    }
}
