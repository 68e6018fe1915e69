from django.urls import path

from distributor.promotions import selectors, views

# Included by distributor/urls.py under the "distributor" namespace at promotions/.
urlpatterns = [
    path("", views.PromotionListView.as_view(), name="promotion-list"),
    path("new/percentage/", views.PromotionCreateView.as_view(kind=selectors.KIND_PERCENTAGE),
         name="promotion-new-percentage"),
    path("new/spend/", views.PromotionCreateView.as_view(kind=selectors.KIND_SPEND), name="promotion-new-spend"),
    path("new/gift/", views.PromotionCreateView.as_view(kind=selectors.KIND_GIFT), name="promotion-new-gift"),
    path("new/coupon/", views.PromotionCreateView.as_view(kind=selectors.KIND_COUPON), name="promotion-new-coupon"),
    path("<int:pk>/", views.PromotionDetailView.as_view(), name="promotion-detail"),
    path("<int:pk>/pause/", views.PromotionPauseView.as_view(), name="promotion-pause"),
    path("<int:pk>/end/", views.PromotionEndView.as_view(), name="promotion-end"),
]
