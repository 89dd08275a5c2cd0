from . import test_delivery_performance
