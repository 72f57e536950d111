"""gridlink's own OpenAPI document: response models and the schema hook.

Routes answer with ready JSON bytes, so FastAPI cannot see what they return.
The models here describe those answers for /openapi.json only; nothing at run
time builds or validates them.
"""
