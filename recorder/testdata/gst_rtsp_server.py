#!/usr/bin/python3
"""A live RTSP camera for interop tests, served by GStreamer's gst-rtsp-server.

Usage: gst_rtsp_server.py PORT [FILE] [NAME=H264:MP4 | NAME=H265:MP4 ...]
Mounts /h264 (H.264 640x360 25 fps, GOP 50, with AAC 48 kHz mono), /h265 (H.265, same shape, no audio) and
/h264-720p (H.264 1280x720 25 fps at about 4.2 Mbit/s, GOP 50, with AAC: BenchmarkRecord's source). Every mount
is shared: one pipeline, however many clients, so the encoder's cost does not grow with them.
With FILE (an MP4 with H.264 video and AAC audio) /file plays it once in real time, shared, without
encoding, and /file-own the same with a pipeline of its own for each client: BenchmarkRecord's source at
100 cameras, where the live encoder mounts hang (see mediatest).
Each NAME=CODEC:MP4 mounts /NAME: the MP4's video track alone (H.264 or H.265, as named), played once in real
time, shared, without encoding: the motion end-to-end test's clips, encoded as cameras do.
Prints "ready" on stdout once listening; runs until killed.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

VIDEO = ("videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=25/1 ! "
         "timeoverlay ! ")
H264 = ("( " + VIDEO + "x264enc tune=zerolatency speed-preset=ultrafast bitrate=1000 key-int-max=50 bframes=0 "
        "option-string=scenecut=0 ! rtph264pay name=pay0 pt=96 config-interval=-1 "
        "audiotestsrc is-live=true ! audio/x-raw,rate=48000,channels=1 ! avenc_aac ! rtpmp4gpay name=pay1 pt=97 )")
H264_720P = ("( videotestsrc is-live=true ! video/x-raw,width=1280,height=720,framerate=25/1 ! timeoverlay ! "
             "x264enc tune=zerolatency speed-preset=veryfast bitrate=4200 key-int-max=50 bframes=0 "
             "option-string=scenecut=0 ! rtph264pay name=pay0 pt=96 config-interval=-1 "
             "audiotestsrc is-live=true ! audio/x-raw,rate=48000,channels=1 ! avenc_aac ! rtpmp4gpay name=pay1 pt=97 )")
FILE = ("( filesrc location=%s ! qtdemux name=d d.video_0 ! queue ! h264parse config-interval=-1 ! "
        "rtph264pay name=pay0 pt=96 d.audio_0 ! queue ! aacparse ! rtpmp4gpay name=pay1 pt=97 )")
CLIP = ("( filesrc location=%s ! qtdemux name=d d.video_0 ! queue ! %sparse config-interval=-1 ! "
        "rtp%spay name=pay0 pt=96 )")
H265 = ("( " + VIDEO + "x265enc tune=zerolatency speed-preset=ultrafast bitrate=1000 key-int-max=50 "
        "option-string=bframes=0:scenecut=0 ! rtph265pay name=pay0 pt=96 config-interval=-1 )")


def main():
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(sys.argv[1])
    mounts = server.get_mount_points()
    launches = [("/h264", H264), ("/h265", H265), ("/h264-720p", H264_720P)]
    for arg in sys.argv[2:]:
        if "=" not in arg:
            launches.append(("/file", FILE % arg))
            launches.append(("/file-own", FILE % arg))
            continue
        name, spec = arg.split("=", 1)
        codec, path = spec.split(":", 1)
        el = {"H264": "h264", "H265": "h265"}[codec]
        launches.append(("/" + name, CLIP % (path, el, el)))
    for path, launch in launches:
        f = GstRtspServer.RTSPMediaFactory()
        f.set_launch(launch)
        f.set_shared(not path.endswith("-own"))
        mounts.add_factory(path, f)
    if server.attach(None) == 0:
        print("cannot bind port", sys.argv[1], file=sys.stderr)
        sys.exit(1)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
