from practica.discussions import views

app_name = "discussions"
urlpatterns: list = [
    # Pages are added here (thread list, thread page, ask, edit, revisions, tags, asked-of-me).
]
_ = views
