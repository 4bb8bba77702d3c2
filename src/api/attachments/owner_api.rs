//! One definition of the attachment operations, stamped out for each kind
//! of owner (cases and scans): the routes, parameters and answers are the
//! same, only the owner's path segment, id, operation ids and the words of
//! the documentation differ, and those are what an invocation gives.

/// Declares `$api`, the attachment operations on owners of one kind.
///
/// The owner is named by the path parameter `$owner_param` of type
/// `WireId<$id>` and becomes `Owner::$owner`; `$collection` is its segment
/// in a `Location` (`cases`). Each operation takes its documentation, its
/// operationId and (where it introduces one) its route.
macro_rules! attachment_api {
    (
        $(#[$api_doc:meta])*
        $api:ident: $owner:ident($id:ty) as $owner_param:ident in $collection:literal;
        $(#[$owner_doc:meta])* owner;
        $(#[$upload_doc:meta])* upload $upload_id:literal at $attachments_path:literal;
        $(#[$list_doc:meta])* list $list_id:literal;
        $(#[$get_doc:meta])* get $get_id:literal at $attachment_path:literal;
        $(#[$download_doc:meta])* download $download_id:literal at $content_path:literal;
        $(#[$delete_doc:meta])* delete $delete_id:literal;
    ) => {
        $(#[$api_doc])*
        pub struct $api {
            /// Evidence attachments.
            pub(in crate::api) attachments: std::sync::Arc<$crate::services::attachments::AttachmentService>,
        }

        #[poem_openapi::OpenApi(tag = "crate::http::tags::ApiTags::Attachments")]
        impl $api {
            $(#[$upload_doc])*
            #[oai(path = $attachments_path, method = "post", operation_id = $upload_id)]
            async fn upload(
                &self,
                caller: $crate::http::auth::Caller,
                /// The workspace.
                workspace_id: poem_openapi::param::Path<$crate::http::wire::WireId<$crate::ids::WorkspaceId>>,
                $(#[$owner_doc])*
                $owner_param: poem_openapi::param::Path<$crate::http::wire::WireId<$id>>,
                /// A client-chosen key (1 to 255 visible ASCII characters) that makes
                /// retries of this request safe for 24 hours.
                #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
                idempotency_key: poem_openapi::param::Header<Option<String>>,
                form: super::upload::AttachmentUpload,
            ) -> Result<super::responses::CreatedAttachment, Problems<$crate::http::responses::UpdateErrors>> {
                let key = $crate::http::idempotency::key(idempotency_key.0.as_deref())?;
                let owner = Owner::$owner($owner_param.0.id());
                let uploaded =
                    self.attachments.upload(caller.actor(), workspace_id.0.id(), owner, form, key).await?;
                let base = format!("/v1/workspaces/{}/{}/{}", workspace_id.0, $collection, $owner_param.0);
                Ok(super::responses::created(&base, uploaded))
            }

            $(#[$list_doc])*
            #[oai(path = $attachments_path, method = "get", operation_id = $list_id)]
            async fn list(
                &self,
                caller: $crate::http::auth::Caller,
                /// The workspace.
                workspace_id: poem_openapi::param::Path<$crate::http::wire::WireId<$crate::ids::WorkspaceId>>,
                $(#[$owner_doc])*
                $owner_param: poem_openapi::param::Path<$crate::http::wire::WireId<$id>>,
                /// Items per page, 1 to 100 (default 50).
                #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
                limit: poem_openapi::param::Query<Option<u32>>,
                /// The `next_cursor` of the previous page.
                cursor: poem_openapi::param::Query<Option<String>>,
            ) -> Result<super::responses::AttachmentListResponse, Problems<$crate::http::responses::ListErrors>>
            {
                let page = $crate::services::pagination::PageRequest::parse(limit.0, cursor.0.as_deref())?;
                let owner = Owner::$owner($owner_param.0.id());
                let page = self.attachments.list(caller.actor(), workspace_id.0.id(), owner, page).await?;
                Ok(super::responses::AttachmentListResponse::Ok(poem_openapi::payload::Json(page.into())))
            }

            $(#[$get_doc])*
            #[oai(path = $attachment_path, method = "get", operation_id = $get_id)]
            async fn get(
                &self,
                caller: $crate::http::auth::Caller,
                /// The workspace.
                workspace_id: poem_openapi::param::Path<$crate::http::wire::WireId<$crate::ids::WorkspaceId>>,
                $(#[$owner_doc])*
                $owner_param: poem_openapi::param::Path<$crate::http::wire::WireId<$id>>,
                /// The attachment.
                attachment_id: poem_openapi::param::Path<$crate::http::wire::WireId<$crate::ids::AttachmentId>>,
            ) -> Result<super::responses::AttachmentResponse, Problems<$crate::http::responses::GetErrors>> {
                let owner = Owner::$owner($owner_param.0.id());
                let (workspace, id) = (workspace_id.0.id(), attachment_id.0.id());
                let attachment = self.attachments.get(caller.actor(), workspace, owner, id).await?;
                Ok(super::responses::AttachmentResponse::Ok(poem_openapi::payload::Json(attachment.into())))
            }

            $(#[$download_doc])*
            #[oai(path = $content_path, method = "get", operation_id = $download_id)]
            #[allow(clippy::too_many_arguments)]
            async fn download(
                &self,
                caller: $crate::http::auth::Caller,
                /// The workspace.
                workspace_id: poem_openapi::param::Path<$crate::http::wire::WireId<$crate::ids::WorkspaceId>>,
                $(#[$owner_doc])*
                $owner_param: poem_openapi::param::Path<$crate::http::wire::WireId<$id>>,
                /// The attachment.
                attachment_id: poem_openapi::param::Path<$crate::http::wire::WireId<$crate::ids::AttachmentId>>,
                /// One byte range, such as `bytes=0-1023`; several ranges, or a
                /// malformed value, get the whole content.
                #[oai(name = "Range")]
                range: poem_openapi::param::Header<Option<String>>,
                /// Serve the range only if the content still has this `ETag`.
                #[oai(name = "If-Range")]
                if_range: poem_openapi::param::Header<Option<String>>,
                /// Answer 304 when the content still has one of these `ETag`s.
                #[oai(name = "If-None-Match")]
                if_none_match: poem_openapi::param::Header<Option<String>>,
            ) -> Result<super::content::ContentResponse, Problems<super::responses::ContentErrors>> {
                let owner = Owner::$owner($owner_param.0.id());
                let (workspace, id) = (workspace_id.0.id(), attachment_id.0.id());
                let range = super::content::requested_range(range.0.as_deref(), if_range.0.as_deref());
                let download = self.attachments.open(caller.actor(), workspace, owner, id, range).await?;
                if super::content::is_current(&download.attachment, if_none_match.0.as_deref()) {
                    return Ok(super::content::ContentResponse::NotModified(super::content::etag(
                        &download.attachment,
                    )));
                }
                Ok(super::content::content_response(download))
            }

            $(#[$delete_doc])*
            #[oai(path = $attachment_path, method = "delete", operation_id = $delete_id)]
            async fn delete(
                &self,
                caller: $crate::http::auth::Caller,
                /// The workspace.
                workspace_id: poem_openapi::param::Path<$crate::http::wire::WireId<$crate::ids::WorkspaceId>>,
                $(#[$owner_doc])*
                $owner_param: poem_openapi::param::Path<$crate::http::wire::WireId<$id>>,
                /// The attachment.
                attachment_id: poem_openapi::param::Path<$crate::http::wire::WireId<$crate::ids::AttachmentId>>,
            ) -> Result<super::responses::AttachmentDeletedResponse, Problems<$crate::http::responses::DeleteErrors>>
            {
                let owner = Owner::$owner($owner_param.0.id());
                let (workspace, id) = (workspace_id.0.id(), attachment_id.0.id());
                self.attachments.delete(caller.actor(), workspace, owner, id).await?;
                Ok(super::responses::AttachmentDeletedResponse::NoContent)
            }
        }
    };
}
pub(super) use attachment_api;
