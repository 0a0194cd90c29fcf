"""The API's routers, one module per job; `create_app` includes them in the order of `ROUTERS`
(the order of the paths in the OpenAPI document)."""
