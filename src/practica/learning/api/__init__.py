from practica.learning.api.routes import router

__all__ = ["router"]
