"""Static files finder of the portal."""

from django.contrib.staticfiles.finders import FileSystemFinder

# Of an npm package served as our own static files, only what the pages load: echarts' dist directory holds 50 MB
# of builds and source maps, and compressing them all made collectstatic take minutes.
VENDOR_FILES = {"vendor/echarts": {"echarts.min.js"}}


class PortalFinder(FileSystemFinder):
    """Django's STATICFILES_DIRS finder, listing of each VENDOR_FILES prefix only the files named there."""

    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            wanted = VENDOR_FILES.get(storage.prefix)
            if wanted is None or path in wanted:
                yield path, storage
